using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AskVideo.Embeddings.Model;

public static class EncoderSetup
{
    /// <summary>One model for the process, loaded in the background at start; <c>/health</c> is ready once it is.</summary>
    public static WebApplicationBuilder AddEncoder(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EncoderOptions>().BindConfiguration(EncoderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TextEncoder>();
        builder.Services.AddHostedService<EncoderLoader>();
        builder.Services.AddHealthChecks().AddCheck<EncoderHealthCheck>("model");
        return builder;
    }
}

/// <summary>Loads the model off the start path, so that <c>/alive</c> answers while it loads.</summary>
internal sealed class EncoderLoader(TextEncoder encoder, ILogger<EncoderLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await Task.Run(encoder.Load, stoppingToken);
        logger.LogInformation("Loaded {Model} in {Elapsed}", TextEncoder.ModelName, TimeProvider.System.GetElapsedTime(started));
    }
}

internal sealed class EncoderHealthCheck(TextEncoder encoder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(encoder.IsLoaded
            ? HealthCheckResult.Healthy($"{TextEncoder.ModelName} is loaded.")
            : HealthCheckResult.Unhealthy($"{TextEncoder.ModelName} is loading."));
}
