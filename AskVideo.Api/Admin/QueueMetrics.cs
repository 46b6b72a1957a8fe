using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Admin;

/// <summary>
/// The queue's figures as OpenTelemetry gauges on the <c>AskVideo</c> meter (exported by the
/// service defaults). Gauges are read synchronously, so a background loop refreshes a snapshot
/// every <see cref="AdminOptions.QueueMetricsInterval"/> and the gauges report the latest one.
/// </summary>
public sealed class QueueMetrics : BackgroundService
{
    private readonly QueueHealth _health;
    private readonly IOptions<AdminOptions> _options;
    private readonly ILogger<QueueMetrics> _logger;
    private volatile QueueHealthResponse? _latest;

    public QueueMetrics(QueueHealth health, IOptions<AdminOptions> options, IMeterFactory meters, ILogger<QueueMetrics> logger)
    {
        (_health, _options, _logger) = (health, options, logger);
        var meter = meters.Create("AskVideo");
        meter.CreateObservableGauge("askvideo.queue.stream_length", () => Measure(q => q.StreamLength), "{entry}",
            "Entries in the job stream.");
        meter.CreateObservableGauge("askvideo.queue.pending", MeasurePending, "{entry}",
            "Entries delivered to a consumer and not yet acknowledged, per consumer.");
        meter.CreateObservableGauge("askvideo.queue.oldest_pending_age", () => Measure(q => q.OldestPendingAgeSeconds ?? 0), "s",
            "Age of the oldest unacknowledged entry.");
        meter.CreateObservableGauge("askvideo.queue.waiting_for_retry", () => Measure(q => q.WaitingForRetry), "{job}",
            "Jobs put back after a failed attempt and not yet due.");
        meter.CreateObservableGauge("askvideo.queue.dead_lettered", () => Measure(q => q.DeadLettered), "{job}",
            "Jobs that failed for good.");
        meter.CreateObservableGauge("askvideo.queue.consumers", () => Measure(q => q.ConsumersSeenLastMinute.Count), "{consumer}",
            "Worker consumers seen in the last minute.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first figures come one interval after start, not while the host is still starting.
        using var timer = new PeriodicTimer(_options.Value.QueueMetricsInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                _latest = await _health.ReadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Gauges keep their last figures; the health checks report the outage itself.
                _logger.LogDebug(ex, "Queue figures could not be read");
            }
        }
    }

    private IEnumerable<Measurement<double>> Measure(Func<QueueHealthResponse, double> figure) =>
        _latest is { } latest ? [new Measurement<double>(figure(latest))] : [];

    private IEnumerable<Measurement<long>> MeasurePending() =>
        _latest is { } latest
            ? latest.PendingByConsumer.Select(c => new Measurement<long>(c.Pending, new KeyValuePair<string, object?>("consumer", c.Name)))
            : [];
}
