using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AskVideo.Core.Jobs;

/// <summary>
/// Adds committed jobs to the Redis stream and records that they were published. Used by the Api
/// right after an upload commits, and by the Worker's relay for jobs that were not (Redis down,
/// process crash) or that wait for a retry.
/// </summary>
public sealed class JobPublisher(IConnectionMultiplexer redis, ILogger<JobPublisher> logger)
{
    /// <summary>Publishes one job; returns false (and logs) when Redis cannot be reached.</summary>
    public async Task<bool> TryPublishAsync(AppDbContext db, long jobId, string? traceParent, CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.GetDatabase();
            NameValueEntry[] fields = traceParent is null
                ? [new(JobStream.JobIdField, jobId)]
                : [new(JobStream.JobIdField, jobId), new(JobStream.TraceParentField, traceParent)];
            await database.StreamAddAsync(JobStream.Key, fields);
            await database.PublishAsync(RedisChannel.Literal(JobStream.WakeChannel), jobId);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Job {JobId} could not be published now; the relay will publish it", jobId);
            return false;
        }

        await db.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.PublishedAt, DateTimeOffset.UtcNow), cancellationToken);
        return true;
    }
}
