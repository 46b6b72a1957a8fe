using System.Diagnostics;
using AskVideo.AppHost.LocalServers;
using AskVideo.Core.Data;
using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

/// <summary>
/// The whole system on one machine: PostgreSQL and Redis (started here unless connection strings are
/// configured), migrations, then Api and Worker as child processes with Aspire-style variables.
/// Everything started here is stopped here, in reverse order.
/// </summary>
internal sealed class LocalSystem(IConfiguration configuration, AppHostOptions options) : IAsyncDisposable
{
    // Passed on to Api and Worker when configured for the AppHost (AI engines, telemetry).
    private static readonly string[] s_passThroughConnections = ["transcription", "chat", "embeddings"];

    private readonly List<ServiceProcess> _services = [];
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    private string DataDirectory { get; } = Path.GetFullPath(
        options.DataDirectory is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryLayout.FindRoot(), ".data"));

    /// <summary>Runs until <paramref name="stopping"/> fires (0) or something fails (1).</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, CancellationToken stopping)
    {
        AppHostOptions options;
        try
        {
            options = AppHostOptions.From(configuration);
        }
        catch (InvalidOperationException e)
        {
            Output.Error(e.Message);
            return 1;
        }
        await using var system = new LocalSystem(configuration, options);
        try
        {
            var started = Stopwatch.StartNew();
            await system.StartAsync(stopping);
            Output.Info($"ready in {started.Elapsed.TotalSeconds:0.0} s");
            system.PrintUrls();
            return await system.WaitForStopAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Output.Error(e.Message);
            return 1;
        }
        catch (Exception e)
        {
            Output.Error(e.ToString());
            return 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Output.Info("stopping");
        var grace = TimeSpan.FromSeconds(options.StopTimeoutSeconds);
        await Task.WhenAll(_services.Select(service => service.StopAsync(grace)));
        await Task.WhenAll(
            _redis?.DisposeAsync().AsTask() ?? Task.CompletedTask,
            _postgres?.DisposeAsync().AsTask() ?? Task.CompletedTask);
        Output.Info("stopped");
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        Output.Info($"data in {DataDirectory}");
        var postgres = await PostgresConnectionAsync(cancellationToken);
        var redis = await RedisConnectionAsync(cancellationToken);

        await DatabaseRegistration.MigrateAsync(postgres, cancellationToken);
        Output.Info("database migrated");

        var environment = await ServiceEnvironmentAsync(postgres, redis, cancellationToken);
        var root = RepositoryLayout.FindRoot();
        StartService("api", root, "AskVideo.Api", ApiPort(), environment);
        StartService("worker", root, "AskVideo.Worker", LoopbackPort.PickFree(), environment);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var timeout = TimeSpan.FromSeconds(options.ReadyTimeoutSeconds);
        await Task.WhenAll(_services.Select(service => service.WaitUntilHealthyAsync(http, timeout, cancellationToken)));
    }

    private async Task<string> PostgresConnectionAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetConnectionString(DatabaseRegistration.ConnectionName) is { Length: > 0 } configured)
        {
            Output.Info("postgres: using ConnectionStrings:postgres");
            return configured;
        }
        _postgres = await PostgresServer.StartAsync(Path.Combine(DataDirectory, "postgres"), cancellationToken);
        Output.Info($"started postgres: pid {_postgres.ProcessId}, {_postgres.ConnectionString}");
        return _postgres.ConnectionString;
    }

    private async Task<string> RedisConnectionAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetConnectionString("redis") is { Length: > 0 } configured)
        {
            Output.Info("redis: using ConnectionStrings:redis");
            return configured;
        }
        _redis = await RedisServer.StartAsync(Path.Combine(DataDirectory, "redis"), cancellationToken);
        Output.Info($"started redis: pid {_redis.ProcessId}, {_redis.ConnectionString}");
        return _redis.ConnectionString;
    }

    /// <summary>What Api and Worker both receive, on top of the AppHost's own environment.</summary>
    private async Task<Dictionary<string, string?>> ServiceEnvironmentAsync(
        string postgres, string redis, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__postgres"] = postgres,
            ["ConnectionStrings__redis"] = redis,
            ["ASPNETCORE_ENVIRONMENT"] = configuration["ASPNETCORE_ENVIRONMENT"] ?? "Development",
            ["Email__PickupDirectory"] = Path.Combine(DataDirectory, "mail"),
            ["Media__Root"] = Path.Combine(DataDirectory, "media"),
            ["Jwt__SigningKey"] = configuration["Jwt:SigningKey"] is { Length: > 0 } key
                ? key
                : await SigningKey.LoadOrCreateAsync(Path.Combine(DataDirectory, "keys", "jwt-signing-key"), cancellationToken),
            ["MediaUrls__SigningKey"] = configuration["MediaUrls:SigningKey"] is { Length: > 0 } mediaKey
                ? mediaKey
                : await SigningKey.LoadOrCreateAsync(Path.Combine(DataDirectory, "keys", "media-signing-key"), cancellationToken),
        };
        foreach (var name in s_passThroughConnections)
        {
            if (configuration.GetConnectionString(name) is { Length: > 0 } connection)
            {
                environment[$"ConnectionStrings__{name}"] = connection;
            }
        }
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            Output.Info($"telemetry: exporting to {otlp}");
        }
        return environment;
    }

    private void StartService(
        string name, string root, string project, int port, Dictionary<string, string?> environment)
    {
        var assembly = RepositoryLayout.FindProjectAssembly(root, project, options.Configuration);
        var variables = new Dictionary<string, string?>(environment) { ["OTEL_SERVICE_NAME"] = $"askvideo-{name}" };
        var service = ServiceProcess.Start(name, assembly, port, variables);
        _services.Add(service);
        Output.Info($"started {name}: pid {service.ProcessId}, {service.Url} ({assembly})");
    }

    private int ApiPort()
    {
        if (options.ApiPort is { } configured)
        {
            return LoopbackPort.IsFree(configured)
                ? configured
                : throw new InvalidOperationException($"AppHost:ApiPort {configured} is already in use.");
        }
        if (LoopbackPort.IsFree(AppHostOptions.DefaultApiPort))
        {
            return AppHostOptions.DefaultApiPort;
        }
        var port = LoopbackPort.PickFree();
        Output.Info($"port {AppHostOptions.DefaultApiPort} is in use; the Api takes {port}");
        return port;
    }

    private void PrintUrls()
    {
        var api = _services.Single(service => service.Name == "api").Url;
        var worker = _services.Single(service => service.Name == "worker").Url;
        Output.Info($"  API            {api}");
        Output.Info($"  API reference  {api}/scalar/v1");
        Output.Info($"  OpenAPI        {api}/openapi/v1.json");
        Output.Info($"  Worker health  {worker}/health");
        Output.Info("Press Ctrl+C to stop.");
    }

    /// <summary>0 when asked to stop; 1 when Api or Worker exits on its own.</summary>
    private async Task<int> WaitForStopAsync(CancellationToken stopping)
    {
        var stopRequested = Task.Delay(Timeout.Infinite, stopping);
        var first = await Task.WhenAny(_services.Select(service => service.Exited).Append(stopRequested));
        if (first == stopRequested)
        {
            return 0;
        }
        var exited = _services.First(service => service.Exited.IsCompleted);
        Output.Error($"{exited.Name} exited unexpectedly with code {exited.ExitCode}");
        return 1;
    }
}
