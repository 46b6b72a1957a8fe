using AskVideo.Core.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AskVideo.Worker.Jobs;

/// <summary>
/// One entry of the job stream: which job, the trace it belongs to, and the retry time the relay
/// published it for, if it did.
/// </summary>
public sealed record JobEntry(RedisValue EntryId, long? JobId, string? TraceParent, DateTimeOffset? DueAt = null)
{
    public static JobEntry From(StreamEntry entry)
    {
        var jobId = entry[JobStream.JobIdField];
        var traceParent = entry[JobStream.TraceParentField];
        var dueAt = entry[JobStream.DueAtField];
        return new JobEntry(
            entry.Id,
            jobId.TryParse(out long id) ? id : null,
            traceParent.IsNullOrEmpty ? null : traceParent.ToString(),
            dueAt.TryParse(out long ticks) && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null);
    }
}

/// <summary>This worker's side of the Redis stream: the consumer group commands it needs.</summary>
public sealed class JobStreamClient(IConnectionMultiplexer redis, NpgsqlDataSource dataSource, IOptions<WorkerOptions> options)
{
    public JobStream Stream { get; } = JobStream.For(dataSource);

    private IDatabase Database => redis.GetDatabase();
    private string Consumer => options.Value.ConsumerName;

    /// <summary>
    /// Creates the group (and the stream) unless it exists. The group starts at the beginning of the
    /// stream, so jobs published before any worker ever ran are not skipped.
    /// </summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(Stream.Key, JobStream.Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker created it first.
        }
    }

    /// <summary>Entries never delivered to any consumer (XREADGROUP &gt;).</summary>
    public async Task<IReadOnlyList<JobEntry>> ReadNewAsync(int count)
    {
        var entries = await Database.StreamReadGroupAsync(Stream.Key, JobStream.Group, Consumer, StreamPosition.NewMessages, count);
        return entries.Select(JobEntry.From).ToList();
    }

    /// <summary>Entries delivered to some consumer but idle longer than the claim time: their worker died (XAUTOCLAIM).</summary>
    public async Task<IReadOnlyList<JobEntry>> ClaimAbandonedAsync(int count)
    {
        var result = await Database.StreamAutoClaimAsync(Stream.Key, JobStream.Group, Consumer,
            (long)options.Value.ClaimIdleTime.TotalMilliseconds, "0-0", count);
        return result.ClaimedEntries.Where(e => !e.IsNull).Select(JobEntry.From).ToList();
    }

    /// <summary>Resets the entry's idle time (XCLAIM JUSTID to ourselves) so nobody claims a job that is alive.</summary>
    public Task KeepAsync(RedisValue entryId) =>
        Database.StreamClaimIdsOnlyAsync(Stream.Key, JobStream.Group, Consumer, 0, [entryId]);

    /// <summary>Acknowledges the entry and deletes it, so the stream does not grow without end.</summary>
    public async Task AcknowledgeAsync(RedisValue entryId)
    {
        await Database.StreamAcknowledgeAsync(Stream.Key, JobStream.Group, entryId);
        await Database.StreamDeleteAsync(Stream.Key, [entryId]);
    }

    public async Task SubscribeToWakeAsync(Action onWake) =>
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Stream.WakeChannel), (_, _) => onWake());
}
