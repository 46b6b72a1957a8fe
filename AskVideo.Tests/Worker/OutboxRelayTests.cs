using System.Globalization;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Worker.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AskVideo.Tests.Worker;

/// <summary>
/// A worker that reaches Redis through a link the test can take down, so an outage is this
/// worker's alone and the Redis every other test uses keeps running.
/// </summary>
public sealed class RelayTestbed(TestServices services) : WorkerTestbed(services)
{
    public SeveredLink RedisLink { get; } = SeveredLink.To(services.Redis.Port);
    public InProcessWorker Worker { get; private set; } = null!;
    public string ConsumerName { get; } = "relaying";

    /// <summary>The worker's own outbox relay, for a pass whose result the test reads.</summary>
    public OutboxRelay Relay => Worker.Services.GetServices<IHostedService>().OfType<OutboxRelay>().Single();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Worker = WorkerHost.StartInProcess(Services, WorkerSettings() with
        {
            ConsumerName = ConsumerName,
            Extra = new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = $"127.0.0.1:{RedisLink.Port.ToString(CultureInfo.InvariantCulture)},connectTimeout=2000,asyncTimeout=2000",
            },
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await RedisLink.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class OutboxRelayTests(RelayTestbed bed) : IClassFixture<RelayTestbed>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_relay_pass_while_redis_is_down_publishes_nothing_and_once_redis_is_back_the_job_is_published_and_completes()
    {
        var tone = await bed.Media.TimeCodedToneAsync(30, Ct);

        bed.RedisLink.GoDown();
        QueuedVideo queued;
        try
        {
            // As an upload leaves it when its publish failed: committed, unpublished, due.
            queued = await bed.QueueAsync(tone, publish: false);
            // A pass that certainly ran during the outage: it could not publish, so it says so and
            // leaves the job for a later pass instead of marking it published.
            Assert.Equal(0, await bed.Relay.RelayAsync(Ct));
            var waiting = await bed.JobAsync(queued.JobId);
            Assert.Equal((JobStatus.Pending, 0, (DateTimeOffset?)null), (waiting.Status, waiting.Attempts, waiting.PublishedAt));
        }
        finally
        {
            bed.RedisLink.ComeBack();
        }

        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal(6, (await bed.SegmentsAsync(queued.VideoId)).Count);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, 1, bed.ConsumerName), (job.Status, job.Attempts, job.LeaseOwner));
        Assert.NotNull(job.PublishedAt);
    }

    [Fact]
    public async Task A_running_job_whose_worker_and_stream_entry_vanished_is_published_again_once_it_is_stuck_and_completes()
    {
        var tone = await bed.Media.TimeCodedToneAsync(10, Ct);
        // Its worker took it and died, and Redis lost the entry with its data: nothing is left to
        // claim. Its lease has only just run out, which the claim path would still cover.
        var queued = await bed.QueueAsync(tone, publish: false, job: j => Running(j, leaseExpired: TimeSpan.FromSeconds(1)));
        Assert.Equal(0, await bed.Relay.RelayAsync(Ct));
        Assert.Equal("vanished", (await bed.JobAsync(queued.JobId)).LeaseOwner);

        // Long after (five leases): the relay publishes it again, and a worker completes it.
        await using (var db = bed.OpenDb())
        {
            var then = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
            await db.Jobs.Where(j => j.Id == queued.JobId && j.LeaseOwner == "vanished")
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseExpiresAt, then).SetProperty(j => j.PublishedAt, then), Ct);
        }
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal(2, (await bed.SegmentsAsync(queued.VideoId)).Count);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, 2, bed.ConsumerName), (job.Status, job.Attempts, job.LeaseOwner));
    }

    private static void Running(Job job, TimeSpan leaseExpired)
    {
        var then = DateTimeOffset.UtcNow - leaseExpired;
        (job.Status, job.LeaseOwner, job.Attempts) = (JobStatus.Running, "vanished", 1);
        (job.StartedAt, job.LeaseExpiresAt, job.PublishedAt) = (then - TimeSpan.FromSeconds(30), then, then);
    }
}
