using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace AskVideo.Core.Jobs;

/// <summary>
/// Adds committed jobs to the Redis stream and records that they were published. Used by the Api
/// right after an upload commits, and by the Worker's relay for jobs that were not (Redis down,
/// process crash) or that wait for a retry.
/// </summary>
public sealed class JobPublisher(IConnectionMultiplexer redis, NpgsqlDataSource dataSource, ILogger<JobPublisher> logger)
{
    private readonly JobStream _stream = JobStream.For(dataSource);

    /// <summary>
    /// Publishes one job; returns false (and logs) when Redis cannot be reached, or has not answered
    /// within <paramref name="redisTimeout"/> (infinite when not given: then the client's own timeouts apply).
    /// A publish given up on may still land later; the job is then published twice, which workers
    /// tolerate (the lease decides who runs it, and a finished job's entry is only acknowledged).
    /// <paramref name="dueAt"/> is the retry time the job is published for, when it is published
    /// because that time has come (see <see cref="JobStream.DueAtField"/>).
    /// </summary>
    public async Task<bool> TryPublishAsync(
        AppDbContext db, long jobId, string? traceParent, CancellationToken cancellationToken, TimeSpan? redisTimeout = null,
        DateTimeOffset? dueAt = null)
    {
        var publishing = DateTimeOffset.UtcNow;
        try
        {
            await AddToStreamAsync(jobId, traceParent, dueAt).WaitAsync(redisTimeout ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Job {JobId} could not be published now; the relay will publish it: {Reason}", jobId, ex.Message);
            return false;
        }

        // A worker may already have taken the entry, failed fast and put the job back to pending
        // for a retry (PublishedAt null again) before this line runs: such a job is left alone, or
        // its retry would never be published.
        await db.Jobs.Where(j => j.Id == jobId && (j.Status != JobStatus.Pending || j.UpdatedAt <= publishing))
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.PublishedAt, DateTimeOffset.UtcNow), cancellationToken);
        return true;
    }

    private async Task AddToStreamAsync(long jobId, string? traceParent, DateTimeOffset? dueAt)
    {
        var database = redis.GetDatabase();
        List<NameValueEntry> fields = [new(JobStream.JobIdField, jobId)];
        if (traceParent is not null)
        {
            fields.Add(new(JobStream.TraceParentField, traceParent));
        }
        if (dueAt is { } due)
        {
            fields.Add(new(JobStream.DueAtField, due.UtcTicks));
        }
        await database.StreamAddAsync(_stream.Key, [.. fields]);
        await database.PublishAsync(RedisChannel.Literal(_stream.WakeChannel), jobId);
    }
}
