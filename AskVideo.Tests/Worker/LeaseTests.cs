using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AskVideo.Tests.Worker;

/// <summary>
/// A lease is one take of a job by one worker. A worker that stalls past its lease may take the
/// same job again (its entry is claimed back, or the relay publishes it again); the stale run must
/// then neither start twice nor write over the new one.
/// </summary>
public sealed class LeaseTests(WorkerTestbed bed) : IClassFixture<WorkerTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_stale_take_of_a_job_cannot_extend_retry_or_complete_it_once_the_same_worker_took_it_again()
    {
        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(5, Ct), publish: false);
        await using var services = JobStoreServices("same-worker");
        var store = services.GetRequiredService<JobStore>();
        var leases = services.GetRequiredService<JobLeases>();

        var (_, stale) = await store.TryTakeAsync(queued.JobId, null, Ct);
        await ExpireLeaseAsync(queued.JobId);
        var (again, current) = await store.TryTakeAsync(queued.JobId, null, Ct);

        Assert.Equal(LeaseResult.Taken, again);
        Assert.Equal((1, 2), (stale!.Attempts, current!.Attempts));
        Assert.False(await store.ExtendAsync(stale, Ct));
        Assert.False(await store.RetryLaterAsync(stale, "stale", DateTimeOffset.UtcNow, Ct));
        Assert.False(await CompleteAsync(leases, stale));
        Assert.False(await store.FailAsync(stale, "stale", "stale", Ct));
        Assert.True(await store.ExtendAsync(current, Ct));
        Assert.True(await CompleteAsync(leases, current));
        Assert.Equal((JobStatus.Succeeded, 2), ((await bed.JobAsync(queued.JobId)).Status, (await bed.JobAsync(queued.JobId)).Attempts));
    }

    [Fact]
    public async Task A_worker_does_not_start_a_job_it_is_running_when_another_entry_for_it_arrives_after_its_lease_lapsed_and_drops_that_entry_once_the_run_ends()
    {
        var tone = await bed.Media.TimeCodedToneAsync(30, Ct);
        bed.OpenAi.Transcriptions.HoldRequests();
        // A claim idle time far beyond the test's: no claim of a forgotten entry can empty the stream.
        await using var worker = WorkerHost.StartInProcess(bed.Services,
            bed.WorkerSettings() with { ConsumerName = "stalling", ClaimIdleTime = TimeSpan.FromHours(1) });
        var queued = await bed.QueueAsync(tone);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(1, s_timeout);

        // The worker stalled: its lease ran out, and the job's entry comes to it again.
        await ExpireLeaseAsync(queued.JobId);
        Assert.True(await bed.PublishAsync(queued.JobId));
        await WorkerTestbed.WaitForAsync(bed.UnacknowledgedAsync, count => count == 2, s_timeout, "entries delivered");
        bed.OpenAi.Transcriptions.ReleaseHeld();
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, "stalling", 1), (job.Status, job.LeaseOwner, job.Attempts));
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
        Assert.Equal(6, (await bed.SegmentsAsync(queued.VideoId)).Count);
        // The second entry waited for the run and was then dropped, as a leftover of a finished job.
        await WorkerTestbed.WaitForAsync(bed.StreamLengthAsync, length => length == 0, s_timeout, "entries in the stream");
        Assert.Equal(0, await bed.UnacknowledgedAsync());
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
    }

    private async Task ExpireLeaseAsync(long jobId)
    {
        await using var db = bed.OpenDb();
        await db.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct);
    }

    /// <summary>Marks the job succeeded as the stages that store results do: in their own transaction, only while the lease is held.</summary>
    private async Task<bool> CompleteAsync(JobLeases leases, Job job)
    {
        await using var db = bed.OpenDb();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        var held = await leases.TrySucceedAsync(db, job, DateTimeOffset.UtcNow, Ct);
        await transaction.CommitAsync(Ct);
        return held;
    }

    /// <summary>The Worker's job store on the testbed's database, as the consumer <paramref name="consumer"/>.</summary>
    private ServiceProvider JobStoreServices(string consumer)
    {
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext>(options => options.UseNpgsql(bed.DataSource, npgsql => npgsql.UseVector()));
        services.AddSingleton(Options.Create(new WorkerOptions { ConsumerName = consumer, ClaimIdleTime = TimeSpan.FromMinutes(1) }));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new JobLeases(() => consumer));
        services.AddSingleton<JobStore>();
        return services.BuildServiceProvider();
    }
}

/// <summary>A worker that finds, at a heartbeat, that its job's lease is no longer its own.</summary>
public sealed class LeaseLossTests(WorkerTestbed bed) : IClassFixture<WorkerTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_worker_whose_job_was_taken_over_stops_it_at_its_next_heartbeat_writes_nothing_and_frees_its_slot()
    {
        var tone = await bed.Media.TimeCodedToneAsync(30, Ct);
        var silent = await bed.Media.SilentVideoAsync(Ct);
        bed.OpenAi.Transcriptions.HoldRequests();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = bed.WorkerSettings() with
        {
            ConsumerName = "overtaken",
            Time = clock,
            Extra = new Dictionary<string, string?> { ["Worker:Concurrency"] = "1" },
        };
        await using var worker = WorkerHost.StartInProcess(bed.Services, settings);
        var queued = await bed.QueueAsync(tone);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(1, s_timeout);

        // Another worker took the job over, as it may once a lease lapsed.
        await using (var db = bed.OpenDb())
        {
            await db.Jobs.Where(j => j.Id == queued.JobId).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.LeaseOwner, "successor")
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.LeaseExpiresAt, DateTimeOffset.UtcNow.AddMinutes(10)), Ct);
        }
        clock.Advance(TimeSpan.FromSeconds(10)); // The heartbeat: a third of the 30 s lease.

        // The worker runs one job at a time: the next one runs only if the overtaken run gave up its
        // slot, while its transcription request is still unanswered.
        var next = await bed.QueueAsync(silent);
        var done = await bed.WaitUntilDoneAsync(next.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, done.Status);
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Running, "successor", 2), (job.Status, job.LeaseOwner, job.Attempts));
        Assert.Null(job.LastError);
        Assert.Empty(await bed.SegmentsAsync(queued.VideoId));
        Assert.NotEqual(VideoStatus.Completed, (await bed.WaitForVideoAsync(queued.VideoId, _ => true, s_timeout)).Status);
        // Its stream entry is left to the successor.
        Assert.Equal(1, await bed.UnacknowledgedAsync());
    }
}
