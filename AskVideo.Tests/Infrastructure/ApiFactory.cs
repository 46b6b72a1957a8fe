using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// The real API on Kestrel (real HTTP on 127.0.0.1), against the shared PostgreSQL and Redis, with
/// its own database, its own mail pickup folder and a signing key made for this instance.
/// (Any public type of the Api assembly names it; both Api and AppHost have a Program.)
/// </summary>
public class ApiFactory(TestServices services) : WebApplicationFactory<AskVideo.Api.Auth.TokenService>, IAsyncLifetime
{
    private string _database = "";

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    public string MediaSigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    public string MailDirectory { get; } = Path.Combine(services.RunDirectory, "mail", Guid.NewGuid().ToString("N"));
    /// <summary>This instance's media storage folder (<c>Media:Root</c>).</summary>
    public string MediaRoot { get; } = Path.Combine(services.RunDirectory, "media", Guid.NewGuid().ToString("N"));
    public Mailbox Mailbox => new(MailDirectory);
    public TestServices Servers => services;
    public string DatabaseConnectionString => _database;

    /// <summary>Settings a test class changes; the defaults keep the limits out of the way.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync()
    {
        _database = await services.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:askvideo"] = _database,
            ["ConnectionStrings:redis"] = services.Redis.ConnectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["MediaUrls:SigningKey"] = MediaSigningKey,
            ["Email:PickupDirectory"] = MailDirectory,
            ["Media:Root"] = MediaRoot,
            ["Email:LinkBaseUrl"] = "http://front.example",
            // All tests share 127.0.0.1: per-IP limits are raised here and tested on their own.
            ["RateLimits:Auth:LoginPermits"] = "10000",
            ["RateLimits:Auth:EmailPermits"] = "10000",
            ["RateLimits:Chat:AskPermitsPerUser"] = "10000",
            ["RateLimits:Chat:AskPermitsPerGuestIp"] = "10000",
            ["RateLimits:Chat:FeedbackPermits"] = "10000",
            // A loaded machine can take longer than the default 250 ms to publish a job; the tests
            // that check the job on the stream must not depend on that. The bound itself is tested
            // against a Redis that never answers (RedisPartitionTests).
            ["Worker:PublishTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        builder.UseEnvironment("Testing");
        // Host settings are read before the app's own configuration: pass them as the settings
        // that win over appsettings.json.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient CreateClient(string? accessToken)
    {
        var client = CreateClient();
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
