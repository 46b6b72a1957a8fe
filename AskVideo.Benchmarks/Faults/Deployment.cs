using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AskVideo.Core.Data;
using AskVideo.LocalServers;
using Npgsql;

namespace AskVideo.Benchmarks.Faults;

/// <summary>PostgreSQL and Redis from the machine's binaries, which a scenario may stop and restart.</summary>
internal sealed class DataServers : IAsyncDisposable
{
    private DataServers(string directory, PostgresServer postgres, RedisServer redis)
    {
        Directory = directory;
        Postgres = postgres;
        Redis = redis;
    }

    public string Directory { get; }
    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }

    public static async Task<DataServers> StartAsync(string root, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, ".test-data", $"faults-{DateTime.UtcNow:yyyyMMddHHmmss}");
        System.IO.Directory.CreateDirectory(directory);
        // fsync stays on: a restart must find what was committed, as in production.
        var postgres = await PostgresServer.StartAsync(Path.Combine(directory, "postgres"), cancellationToken);
        var redis = await RedisServer.StartAsync(Path.Combine(directory, "redis"), cancellationToken);
        return new DataServers(directory, postgres, redis);
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The postgres user's files: left for the next run's cleanup.
        }
    }
}

/// <summary>
/// One AskVideo deployment on <see cref="DataServers"/>: its own database (and so its own job stream),
/// media folder and keys, one Api process and any number of Worker processes.
/// </summary>
internal sealed partial class Deployment : IAsyncDisposable
{
    private readonly List<ServiceProcess> _workers = [];
    private readonly string _directory;
    private readonly Dictionary<string, string> _shared;

    private Deployment(DataServers servers, string name, string database, Dictionary<string, string> shared)
    {
        Servers = servers;
        Database = database;
        _shared = shared;
        _directory = Path.Combine(servers.Directory, name);
    }

    public DataServers Servers { get; }
    public string Database { get; }
    public ServiceProcess Api { get; private set; } = null!;
    public IReadOnlyList<ServiceProcess> Workers => _workers;

    /// <summary>Creates the database, migrates it and starts the Api (with <paramref name="apiSettings"/> on top of the defaults).</summary>
    public static async Task<Deployment> StartAsync(
        DataServers servers, string name, string transcription, IReadOnlyDictionary<string, string>? apiSettings, CancellationToken cancellationToken)
    {
        var database = await servers.Postgres.CreateDatabaseAsync(name, cancellationToken);
        await DatabaseRegistration.MigrateAsync(database, cancellationToken);
        var directory = Path.Combine(servers.Directory, name);
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings:askvideo"] = database,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["ConnectionStrings:transcription"] = transcription,
            ["Media:Root"] = Path.Combine(directory, "media"),
        };
        var deployment = new Deployment(servers, name, database, shared);
        var api = new Dictionary<string, string>(shared)
        {
            ["Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)),
            ["Jwt:AccessTokenLifetime"] = "01:00:00",
            ["MediaUrls:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)),
            ["Email:PickupDirectory"] = Path.Combine(directory, "mail"),
            // Every client is on 127.0.0.1 and one account asks many questions: the limits would
            // answer 429s that measure the limiter, not the system.
            ["RateLimits:Auth:LoginPermits"] = "100000",
            ["RateLimits:Auth:EmailPermits"] = "100000",
            ["RateLimits:Chat:AskPermitsPerUser"] = "1000000",
            ["RateLimits:Chat:AskPermitsPerGuestIp"] = "1000000",
        };
        foreach (var (key, value) in apiSettings ?? new Dictionary<string, string>())
        {
            api[key] = value;
        }
        try
        {
            deployment.Api = await ServiceProcess.StartAsync($"{name}-api", "AskVideo.Api", api, cancellationToken);
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
        return deployment;
    }

    /// <summary>Starts a worker named <paramref name="consumer"/> (its consumer name and lease owner).</summary>
    public async Task<ServiceProcess> StartWorkerAsync(string consumer, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var worker = new Dictionary<string, string>(_shared)
        {
            ["Worker:ConsumerName"] = consumer,
            ["Worker:RetryBaseDelay"] = "00:00:01",
            ["Worker:RelayInterval"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            worker[key] = value;
        }
        var process = await ServiceProcess.StartAsync(consumer, "AskVideo.Worker", worker, cancellationToken);
        _workers.Add(process);
        return process;
    }

    /// <summary>A new account, signed up, verified by its mail and signed in: a client that carries its access token.</summary>
    public async Task<HttpClient> SignInAsync(string who, CancellationToken cancellationToken)
    {
        var http = Client();
        var access = await SignUpAsync(http, Path.Combine(_directory, "mail"), who, cancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        return http;
    }

    /// <summary>Signs up a new account through <paramref name="http"/>, verifies it by the mail in <paramref name="mailDirectory"/>, signs in; its access token.</summary>
    public static async Task<string> SignUpAsync(HttpClient http, string mailDirectory, string who, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (username, email, password) = ($"{who}_{id}", $"{who}_{id}@example.com", "benchmark-password");
        (await http.PostAsJsonAsync("/api/auth/signup/", new { username, email, password }, cancellationToken)).EnsureSuccessStatusCode();
        var mail = System.IO.Directory.EnumerateFiles(mailDirectory, "*.eml").Select(File.ReadAllText)
            .Single(text => text.Contains(email, StringComparison.Ordinal));
        var link = LinkPattern().Match(mail);
        (await http.PostAsJsonAsync("/api/auth/verify-email/", new { uid = link.Groups["uid"].Value, token = link.Groups["token"].Value }, cancellationToken))
            .EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/api/auth/login/", new { username, password }, cancellationToken);
        var tokens = JsonNode.Parse(await login.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken))!;
        return tokens["access"]!.GetValue<string>();
    }

    /// <summary>A client of the Api; each request's own timeout is the caller's to set.</summary>
    public HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
    {
        BaseAddress = Api.Url,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public NpgsqlConnection OpenDatabase() => new(Database);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
    }

    [GeneratedRegex(@"uid=(?<uid>\d+)&token=(?<token>[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkPattern();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Database} ({_workers.Count} workers)");
}
