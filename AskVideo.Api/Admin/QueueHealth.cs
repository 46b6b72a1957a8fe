using System.Globalization;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StackExchange.Redis;

namespace AskVideo.Api.Admin;

/// <summary>
/// Reads the job stream's state from Redis (XINFO, XPENDING) and the jobs' from PostgreSQL: what the
/// operator would otherwise ask redis-cli and SQL.
/// </summary>
public sealed class QueueHealth(IConnectionMultiplexer redis, NpgsqlDataSource dataSource, IServiceScopeFactory scopes)
{
    /// <summary>A consumer that read or claimed within this time counts as alive.</summary>
    public static readonly TimeSpan SeenWindow = TimeSpan.FromMinutes(1);

    private readonly JobStream _stream = JobStream.For(dataSource);

    public async Task<QueueHealthResponse> ReadAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        long length = 0, pending = 0;
        double? oldestAge = null;
        List<QueueConsumer> consumers = [];
        if (await database.KeyExistsAsync(_stream.Key))
        {
            length = (await database.StreamInfoAsync(_stream.Key)).Length;
            var groups = await database.StreamGroupInfoAsync(_stream.Key);
            if (groups.Any(g => g.Name == JobStream.Group))
            {
                var summary = await database.StreamPendingAsync(_stream.Key, JobStream.Group);
                pending = summary.PendingMessageCount;
                // An entry id starts with the millisecond it was added: the oldest pending entry's age.
                if (pending > 0 && EntryTime(summary.LowestPendingMessageId) is { } added)
                {
                    oldestAge = Math.Max(0, (DateTimeOffset.UtcNow - added).TotalSeconds);
                }
                consumers = [.. (await database.StreamConsumerInfoAsync(_stream.Key, JobStream.Group))
                    .Select(c => new QueueConsumer(c.Name, c.PendingMessageCount, c.IdleTimeInMilliseconds / 1000.0))
                    .OrderBy(c => c.Name, StringComparer.Ordinal)];
            }
        }
        cancellationToken.ThrowIfCancellationRequested();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        // Waiting for retry: put back after a failed attempt, not yet due again.
        var waiting = await db.Jobs.CountAsync(j => j.Status == JobStatus.Pending && j.Attempts > 0 && j.NotBefore > now, cancellationToken);
        var dead = await db.Jobs.CountAsync(j => j.Status == JobStatus.Failed, cancellationToken);

        return new QueueHealthResponse(_stream.Key, length, pending, consumers, oldestAge, waiting, dead,
            [.. consumers.Where(c => c.IdleSeconds < SeenWindow.TotalSeconds).Select(c => c.Name)]);
    }

    private static DateTimeOffset? EntryTime(RedisValue id) =>
        id.HasValue && long.TryParse(((string)id!).Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
