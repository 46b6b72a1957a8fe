using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Jobs;

/// <summary>
/// The transactional outbox's relay: publishes jobs that were committed but never published (Redis
/// down at upload time, a crash between commit and publish), jobs whose retry is due, and running
/// jobs whose worker vanished together with their stream entry. Every worker runs one; a job
/// published twice is harmless because only one worker can hold its lease.
/// </summary>
public sealed partial class OutboxRelay(
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval, time);
        try
        {
            do
            {
                try
                {
                    await RelayAsync(stoppingToken);
                }
                // A timeout is an OperationCanceledException too: only the host's stop ends the loop.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRelayFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns how many jobs were published.</summary>
    public async Task<int> RelayAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var publisher = scope.ServiceProvider.GetRequiredService<JobPublisher>();
        var now = time.GetUtcNow();
        var stuckBefore = now - options.Value.StuckAfter;

        var due = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Pending && j.PublishedAt == null && j.NotBefore <= now)
            .OrderBy(j => j.NotBefore)
            .Select(j => new { j.Id, j.TraceParent, DueAt = (DateTimeOffset?)j.NotBefore })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var stuck = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running && j.LeaseExpiresAt < stuckBefore
                && (j.PublishedAt == null || j.PublishedAt < stuckBefore))
            .OrderBy(j => j.LeaseExpiresAt)
            .Select(j => new { j.Id, j.TraceParent, DueAt = (DateTimeOffset?)null })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);

        var published = 0;
        foreach (var job in due.Concat(stuck))
        {
            // A due job is published for its retry time, so that a worker whose clock runs a
            // little behind this one's still takes it (see JobStore.TryTakeAsync).
            if (!await publisher.TryPublishAsync(db, job.Id, job.TraceParent, cancellationToken, dueAt: job.DueAt))
            {
                break; // Redis is down: try again next round.
            }
            published++;
        }
        if (published > 0)
        {
            LogPublished(published);
        }
        return published;
    }

    [LoggerMessage(LogLevel.Information, "Relay published {Count} jobs")]
    private partial void LogPublished(int count);

    [LoggerMessage(LogLevel.Warning, "Relay pass failed")]
    private partial void LogRelayFailed(Exception exception);
}
