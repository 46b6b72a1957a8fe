using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AskVideo.Tests.Infrastructure;

public sealed record TestAccount(string Username, string Email, string Password);

public sealed record Tokens(string Access, string Refresh);

/// <summary>Account steps over real HTTP, as a client would take them.</summary>
public static class Accounts
{
    public static TestAccount NewAccount()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new TestAccount($"user_{id}", $"user_{id}@example.com", $"pass-{id}-word");
    }

    public static Task<HttpResponseMessage> SignupAsync(this HttpClient client, TestAccount account) =>
        client.PostAsJsonAsync("/api/auth/signup/", new { username = account.Username, email = account.Email, password = account.Password });

    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/auth/login/", new { username, password });

    public static Task<HttpResponseMessage> RefreshAsync(this HttpClient client, string refresh) =>
        client.PostAsJsonAsync("/api/auth/refresh/", new { refresh });

    public static Task<HttpResponseMessage> VerifyAsync(this HttpClient client, (string Uid, string Token) link) =>
        client.PostAsJsonAsync("/api/auth/verify-email/", new { uid = link.Uid, token = link.Token });

    /// <summary>Signs up, follows the mailed verification link, and returns the account.</summary>
    public static async Task<TestAccount> CreateVerifiedAccountAsync(this ApiFactory api)
    {
        var account = NewAccount();
        using var client = api.CreateClient();
        (await client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);
        (await client.VerifyAsync(api.Mailbox.LatestLink(account.Email, "verify-email"))).AssertStatus(HttpStatusCode.OK);
        return account;
    }

    public static async Task<Tokens> LoginOkAsync(this HttpClient client, TestAccount account)
    {
        var response = await client.LoginAsync(account.Username, account.Password);
        var body = await response.AssertStatus(HttpStatusCode.OK).JsonAsync();
        return new Tokens(body["access"]!.GetValue<string>(), body["refresh"]!.GetValue<string>());
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())
            ?? throw new InvalidOperationException("The response body is empty.");

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static HttpResponseMessage AssertStatus(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
        return response;
    }

    /// <summary>Asserts a ProblemDetails body with this status, and returns it.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        response.AssertStatus(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        return problem;
    }

    /// <summary>Asserts a 400 ValidationProblem that names exactly these fields.</summary>
    public static async Task AssertValidationProblemAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"No errors in {problem}");
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    public static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
