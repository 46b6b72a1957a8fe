using System.Net;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Platform;

public sealed class CorsApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = "https://app.example",
    };
}

public sealed class PlatformTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_reports_postgres_and_redis_healthy_without_signing_in()
    {
        var health = await (await _client.GetAsync("/health", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("Healthy", health["status"]!.GetValue<string>());
        // The checks are the client integrations' own: the DbContext's (PostgreSQL) and Redis's.
        Assert.Equal("Healthy", health["checks"]!["AppDbContext"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", health["checks"]!["StackExchange.Redis"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Alive_checks_only_the_process()
    {
        var alive = await (await _client.GetAsync("/alive", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(["self"], alive["checks"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task The_pgvector_extension_is_installed_in_the_database()
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT '[1,2,3]'::vector <=> '[1,2,4]'::vector", connection);

        var distance = Convert.ToDouble(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(distance, 0.0001, 0.1);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_account_endpoint_with_its_responses()
    {
        // The document names paths without the trailing slash; both spellings are served.
        var document = await (await _client.GetAsync("/openapi/v1.json", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var paths = document["paths"]!.AsObject();

        string[] expected =
        [
            "/api/auth/signup", "/api/auth/verify-email", "/api/auth/resend-verification", "/api/auth/login",
            "/api/auth/refresh", "/api/auth/logout", "/api/auth/password-reset", "/api/auth/password-reset/confirm",
            "/api/auth/me",
        ];
        foreach (var path in expected)
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document: {string.Join(", ", paths.Select(p => p.Key))}");
        }
        var login = paths["/api/auth/login"]!["post"]!["responses"]!.AsObject();
        Assert.True(login.ContainsKey("200"));
        Assert.NotNull(paths["/api/auth/me"]!["get"]);
        Assert.NotNull(paths["/api/auth/me"]!["patch"]);
        Assert.NotNull(paths["/api/auth/me"]!["delete"]);
    }

    [Fact]
    public async Task The_interactive_api_reference_is_served()
    {
        var page = await (await _client.GetAsync("/scalar/v1", Ct)).AssertStatus(HttpStatusCode.OK).Content.ReadAsStringAsync(Ct);

        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cross_origin_calls_are_refused_when_no_origin_is_configured()
    {
        using var preflight = Preflight("https://app.example");

        var response = await _client.SendAsync(preflight, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    internal static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login/");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }
}

public sealed class CorsTests(CorsApiFactory api) : IClassFixture<CorsApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_configured_origin_may_call_the_api_from_a_browser()
    {
        using var client = api.CreateClient();
        using var preflight = PlatformTests.Preflight("https://app.example");

        var response = await client.SendAsync(preflight, Ct);

        Assert.Equal("https://app.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Any_other_origin_is_not_allowed()
    {
        using var client = api.CreateClient();
        using var preflight = PlatformTests.Preflight("https://evil.example");

        var response = await client.SendAsync(preflight, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
