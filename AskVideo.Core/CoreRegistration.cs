using AskVideo.Core.Jobs;
using AskVideo.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AskVideo.Core;

public static class CoreRegistration
{
    /// <summary>The Redis connection-string name and its resource name in the AppHost.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>Media storage (local disk under <c>Media:Root</c>) and the job publisher.</summary>
    public static IServiceCollection AddMediaAndJobs(this IServiceCollection services)
    {
        services.AddOptions<MediaStorageOptions>().BindConfiguration(MediaStorageOptions.Section);
        services.AddSingleton<IMediaStorage, LocalMediaStorage>();
        services.AddScoped<JobPublisher>();
        return services;
    }

    /// <summary>
    /// <see cref="IConnectionMultiplexer"/> on <c>ConnectionStrings:redis</c> through Aspire's client
    /// integration (health check, traces).
    /// </summary>
    public static IHostApplicationBuilder AddAppRedis(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName, configureOptions: options =>
        {
            // Start even while Redis is down; the client reconnects and /health reports it.
            options.AbortOnConnectFail = false;
            // While Redis is down, fail at once instead of queueing: callers have their own fallbacks
            // (the job outbox) and must not hang a request.
            options.BacklogPolicy = BacklogPolicy.FailFast;
        });
        return builder;
    }
}
