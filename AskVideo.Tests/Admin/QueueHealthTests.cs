using AskVideo.Core.Jobs;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using StackExchange.Redis;

namespace AskVideo.Tests.Admin;

/// <summary>
/// GET /api/admin/queue/ against a job stream this class writes itself: its own API, so no upload of
/// another test adds entries, and the stream's first entry can be dated in the past.
/// </summary>
public sealed class QueueHealthTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queue_health_reports_length_pending_per_consumer_oldest_age_retries_dead_letters_and_live_consumers()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        var empty = await admin.Client.GetOkAsync("/api/admin/queue/");
        Assert.Equal(0, empty["stream_length"]!.GetValue<long>());
        Assert.Null(empty["oldest_pending_age_seconds"]);

        // Two entries, the first added two minutes ago (an entry id starts with its millisecond),
        // both read by one consumer and not acknowledged, as a worker that died mid-job leaves them.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(api.Servers.Redis.ConnectionString);
        var stream = redis.GetDatabase();
        var key = api.StreamKey();
        var twoMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds();
        try
        {
            await stream.StreamCreateConsumerGroupAsync(key, JobStream.Group, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group is there already; it reads from the stream's start all the same.
        }
        await stream.StreamAddAsync(key, JobStream.JobIdField, "1", messageId: $"{twoMinutesAgo}-0");
        await stream.StreamAddAsync(key, JobStream.JobIdField, "2");
        var consumer = "worker-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(2, (await stream.StreamReadGroupAsync(key, JobStream.Group, consumer, ">", count: 10)).Length);
        // A job put back after a failed attempt, due in an hour; and one dead-lettered.
        var video = await api.InsertVideoAsync(user.Id);
        await using (var db = api.OpenDb())
        {
            var now = DateTimeOffset.UtcNow;
            db.Jobs.Add(new Job
            {
                VideoId = video.Id, Status = JobStatus.Pending, Attempts = 1, LastError = "HTTP 503",
                NotBefore = now.AddHours(1), CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }
        await api.InsertFailedJobAsync(user.Id);

        var health = await admin.Client.GetOkAsync("/api/admin/queue/");

        Assert.Equal(key, health["stream"]!.GetValue<string>());
        Assert.Equal(2, health["stream_length"]!.GetValue<long>());
        Assert.Equal(2, health["pending"]!.GetValue<long>());
        var byConsumer = Assert.Single(health["pending_by_consumer"]!.AsArray())!;
        Assert.Equal(consumer, byConsumer["name"]!.GetValue<string>());
        Assert.Equal(2, byConsumer["pending"]!.GetValue<long>());
        // Computed from the entry's id, so it is at least the two minutes it was dated back.
        Assert.InRange(health["oldest_pending_age_seconds"]!.GetValue<double>(), 119, 3600);
        Assert.Equal(1, health["waiting_for_retry"]!.GetValue<int>());
        Assert.Equal(1, health["dead_lettered"]!.GetValue<int>());
        Assert.Equal([consumer], health["consumers_seen_last_minute"]!.AsArray().Select(c => c!.GetValue<string>()));
    }
}
