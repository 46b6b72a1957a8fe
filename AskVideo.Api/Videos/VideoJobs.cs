using System.Data.Common;
using System.Diagnostics;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Videos;

/// <summary>
/// Queues a video for the Worker: a Job row written in the caller's transaction (the outbox), then
/// published to the Redis stream after commit. When Redis is down or slow the publish gives up
/// quietly after a bound, and the Worker's relay publishes the job once the grace period is over.
/// </summary>
public sealed class VideoJobs(
    AppDbContext db, JobPublisher publisher, IOptions<VideoJobOptions> options, TimeProvider clock, ILogger<VideoJobs> logger)
{
    /// <summary>Adds the job to the context; the caller saves it inside its transaction.</summary>
    public Job Add(int videoId, JobKind kind = JobKind.Transcribe)
    {
        var now = clock.GetUtcNow();
        var job = new Job
        {
            VideoId = videoId,
            Kind = kind,
            Status = JobStatus.Pending,
            MaxAttempts = options.Value.MaxAttempts,
            NotBefore = now + options.Value.PublishGracePeriod,
            // The request's trace continues in the Worker.
            TraceParent = Activity.Current?.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Jobs.Add(job);
        return job;
    }

    /// <summary>
    /// Publishes a committed job, waiting for Redis at most <see cref="VideoJobOptions.PublishTimeout"/>.
    /// Not tied to the request: once the job is committed, a client that hangs up should not leave
    /// it to wait for the relay.
    /// </summary>
    public async Task<bool> PublishAsync(Job job)
    {
        try
        {
            return await publisher.TryPublishAsync(db, job.Id, job.TraceParent, CancellationToken.None, options.Value.PublishTimeout);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // The job is committed either way; the relay publishes what was not marked as published.
            logger.LogWarning(ex, "Job {JobId} was not marked as published; the relay will publish it", job.Id);
            return false;
        }
    }
}
