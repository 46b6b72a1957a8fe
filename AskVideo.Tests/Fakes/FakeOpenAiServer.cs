using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AskVideo.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible HTTP server on 127.0.0.1 for tests: the product's real OpenAI client code
/// talks to it over real HTTP. Each route group lives in a file of its own (transcriptions, chat
/// completions, embeddings) and keeps what it received, so tests can check what the product sent.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    private readonly WebApplication _app;

    private FakeOpenAiServer(WebApplication app, FakeTranscriptions transcriptions, FakeChatCompletions chatCompletions, FakeEmbeddings embeddings)
    {
        _app = app;
        Transcriptions = transcriptions;
        ChatCompletions = chatCompletions;
        Embeddings = embeddings;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
    }

    /// <summary>The API root, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri BaseUrl { get; }

    public FakeTranscriptions Transcriptions { get; }

    public FakeChatCompletions ChatCompletions { get; }

    public FakeEmbeddings Embeddings { get; }

    /// <summary>An Aspire-style connection string for this server.</summary>
    public string ConnectionString(string key = ApiKey, string model = "whisper-1") => $"Endpoint={BaseUrl};Key={key};Model={model}";

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // Big enough to see what the product sends; the 25 MB limit is the route's to enforce.
            kestrel.Limits.MaxRequestBodySize = 200 * 1024 * 1024;
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = 200 * 1024 * 1024);

        var app = builder.Build();
        var transcriptions = new FakeTranscriptions();
        var chatCompletions = new FakeChatCompletions();
        var embeddings = new FakeEmbeddings();
        var v1 = app.MapGroup("/v1");
        transcriptions.Map(v1);
        chatCompletions.Map(v1);
        embeddings.Map(v1);
        await app.StartAsync();
        return new FakeOpenAiServer(app, transcriptions, chatCompletions, embeddings);
    }

    public async ValueTask DisposeAsync()
    {
        Transcriptions.ReleaseHeld();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Bits of OpenAI's wire format that the JSON route groups share.</summary>
/// <summary>Status codes the next requests get instead of an answer, as <c>FailNext</c> sets them.</summary>
internal sealed class InjectedFailures
{
    private readonly Lock _lock = new();
    private int _left;
    private int _status = 500;

    /// <summary>The next <paramref name="times"/> requests get <paramref name="status"/> (times -1: all of them).</summary>
    public void FailNext(int status, int times)
    {
        lock (_lock)
        {
            (_left, _status) = (times, status);
        }
    }

    /// <summary>The status the current request must get, or null to answer it.</summary>
    public int? Take()
    {
        lock (_lock)
        {
            if (_left == 0)
            {
                return null;
            }
            _left--;
            return _status;
        }
    }
}

internal static class OpenAiWire
{
    public static string? BearerKey(HttpRequest http) =>
        http.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;

    public static IResult Error(int status, string message, string? code) => Results.Json(new
    {
        error = new { message, type = status >= 500 ? "server_error" : "invalid_request_error", param = (string?)null, code },
    }, statusCode: status);

    /// <summary>One server-sent event, flushed at once so that the client sees it now.</summary>
    public static async Task WriteEventAsync(HttpResponse response, string data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
