using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace AskVideo.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    private const string LiveTag = "live";

    /// <summary>
    /// Telemetry, health checks, HTTP client resilience and the Redis client. PostgreSQL and Redis
    /// are read from <c>ConnectionStrings:postgres</c> and <c>ConnectionStrings:redis</c>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddRedisClient();
        builder.AddDefaultHealthChecks();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        return builder;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(Telemetry.Name))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, Telemetry.Name)
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    // Probes would drown the useful traces.
                    aspnet.Filter = context => !context.Request.Path.StartsWithSegments("/health")
                        && !context.Request.Path.StartsWithSegments("/alive");
                    // A share token in a path is a credential: keep it out of trace storage.
                    // (Query strings, which carry media signatures, are redacted by the instrumentation.)
                    aspnet.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments("/api/share"))
                        {
                            activity.SetTag("url.path", "/api/share/{token}");
                        }
                    };
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        // Export only where a collector (e.g. the Aspire dashboard) has been configured.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    private static void AddRedisClient<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionNames.Redis);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even while Redis is down; the client reconnects and /health reports it.
        options.AbortOnConnectFail = false;
        // While Redis is down, fail at once instead of queueing: callers have their own fallbacks
        // (the job outbox) and must not hang a request.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
    }

    private static void AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        var postgres = builder.Configuration.GetConnectionString(ConnectionNames.Postgres);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            checks.AddNpgSql(postgres, name: "postgres", timeout: TimeSpan.FromSeconds(5));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionNames.Redis)))
        {
            checks.AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), name: "redis", timeout: TimeSpan.FromSeconds(5));
        }
    }

    /// <summary><c>/health</c>: every check (readiness). <c>/alive</c>: the process only (liveness).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}

public static class ConnectionNames
{
    public const string Postgres = "postgres";
    public const string Redis = "redis";
}
