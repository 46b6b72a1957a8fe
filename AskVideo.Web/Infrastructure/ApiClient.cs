using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AskVideo.Web.Accounts;
using Microsoft.AspNetCore.Components.Authorization;

namespace AskVideo.Web.Infrastructure;

/// <summary>A ProblemDetails answer of the Api, reduced to what a page shows.</summary>
public sealed record ApiProblem(int Status, string Message, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly ApiProblem Unreachable = new(0, "The service cannot be reached right now. Try again in a moment.", new Dictionary<string, string[]>());

    /// <summary>The page closed before the answer came; nobody will see this.</summary>
    public static readonly ApiProblem Abandoned = new(0, "The page was closed.", new Dictionary<string, string[]>());

    /// <summary>The message and every field error, for one line under a form.</summary>
    public string Describe() => Errors.Count == 0
        ? Message
        : $"{Message} {string.Join(" ", Errors.SelectMany(e => e.Value))}".Trim();

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return Parse((int)response.StatusCode, text);
    }

    /// <summary>Reads a ProblemDetails body; anything else (an HTML page, nothing) gets a plain message instead.</summary>
    public static ApiProblem Parse(int status, string? body)
    {
        var errors = new Dictionary<string, string[]>();
        string? message = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(body) && JsonNode.Parse(body) is JsonObject problem)
            {
                message = (problem["detail"] as JsonValue)?.GetValue<string>() ?? (problem["title"] as JsonValue)?.GetValue<string>();
                if (problem["errors"] is JsonObject fields)
                {
                    foreach (var (field, value) in fields)
                    {
                        errors[field] = value is JsonArray list ? [.. list.Select(e => e?.ToString() ?? "")] : [value?.ToString() ?? ""];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails: the status alone says what happened.
        }
        return new ApiProblem(status, message ?? DefaultMessage(status), errors);
    }

    private static string DefaultMessage(int status) => status switch
    {
        401 => "Please sign in again.",
        404 => "Not found.",
        413 => "The file is too large.",
        415 => "This file type is not supported.",
        429 => "Too many requests; wait a moment and try again.",
        >= 500 => "Something went wrong on the server. Try again in a moment.",
        _ => $"The request failed ({status}).",
    };
}

/// <summary>A value, or the problem the Api answered with.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool IsOk => Problem is null;
}

/// <summary>
/// The Api as the signed-in person (or anonymously), from server-side code: pages and circuits.
/// The access token comes from the session and never reaches the browser.
/// </summary>
public sealed class ApiClient(IHttpClientFactory factory, TokenStore tokens, AuthenticationStateProvider authentication)
{
    public const string HttpClientName = "api";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path, body);
        try
        {
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new(default, await ApiProblem.ReadAsync(response, cancellationToken));
            }
            if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(NoContent))
            {
                return new(default, null);
            }
            return new(await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken), null);
        }
        catch (HttpRequestException)
        {
            return new(default, ApiProblem.Unreachable);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // An exception here would end the whole connection, and with it the page the person went on to.
            return new(default, ApiProblem.Abandoned);
        }
    }

    /// <summary>For streams (Server-Sent Events): the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && await AccessTokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await factory.CreateClient(HttpClientName).SendAsync(request, completion, cancellationToken);
    }

    public static HttpRequestMessage CreateRequest(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return request;
    }

    private async Task<string?> AccessTokenAsync(CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.Identity?.IsAuthenticated == true
            ? await tokens.GetAccessTokenAsync(state.User, cancellationToken)
            : null;
    }
}

/// <summary>The type argument for answers without a body.</summary>
public sealed record NoContent;

public static class ApiClientSetup
{
    public static WebApplicationBuilder AddApiClient(this WebApplicationBuilder builder)
    {
#pragma warning disable EXTEXP0001 // Removing the defaults' handler is the documented way to opt one client out.
        // "http://api" is resolved by service discovery (services:api:http:0, set by the AppHost).
        // No resilience handler: answers stream (chat, events) and most calls are not safe to repeat.
        builder.Services.AddHttpClient(ApiClient.HttpClientName, client =>
            {
                client.BaseAddress = new Uri("http://api");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers()
            .AddServiceDiscovery();
#pragma warning restore EXTEXP0001
        builder.Services.AddScoped<ApiClient>();
        return builder;
    }
}
