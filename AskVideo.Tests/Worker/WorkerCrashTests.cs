using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Worker;

/// <summary>Workers as real processes that die or are stopped in the middle of a job.</summary>
public sealed class WorkerCrashTests(WorkerTestbed bed) : IClassFixture<WorkerTestbed>, IDisposable
{
    // Short on purpose: the killed worker's lease must lapse before another worker may take its job.
    // A worker that stalls past such a lease cannot run its job twice (see LeaseTests).
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_job_whose_worker_is_killed_mid_transcription_is_completed_by_another_worker_exactly_once()
    {
        var tone = await bed.Media.TimeCodedToneAsync(60, Ct);
        bed.OpenAi.Transcriptions.HoldRequests();
        await using var doomed = await WorkerHost.StartProcessAsync(bed.Services, bed.WorkerSettings() with { ConsumerName = "doomed", ClaimIdleTime = s_lease }, Ct);

        var queued = await bed.QueueAsync(tone);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(1, s_timeout);
        var running = await bed.JobAsync(queued.JobId);
        Assert.True((JobStatus.Running, "doomed", 1) == (running.Status, running.LeaseOwner, running.Attempts),
            $"{running.Status}, {running.LeaseOwner}, attempt {running.Attempts} started {running.StartedAt:HH:mm:ss.fff} lease {running.LeaseExpiresAt:HH:mm:ss.fff} now {DateTimeOffset.UtcNow:HH:mm:ss.fff}{Environment.NewLine}{doomed.Output}");

        doomed.Kill();
        Assert.True(await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        bed.OpenAi.Transcriptions.ReleaseHeld();
        Assert.Equal(1, await bed.UnacknowledgedAsync());

        await using var rescuer = WorkerHost.StartInProcess(bed.Services, bed.WorkerSettings() with { ConsumerName = "rescuer", ClaimIdleTime = s_lease });
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, "rescuer", 2), (job.Status, job.LeaseOwner, job.Attempts));
        var segments = await bed.SegmentsAsync(queued.VideoId);
        Assert.Equal(Enumerable.Range(0, 12), segments.Select(s => s.Index));
        Assert.Equal(Enumerable.Range(0, 60).Select(t => $"w{t}"), segments.SelectMany(s => s.Text.Split(' ')));
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);
        await WorkerTestbed.WaitForAsync(bed.UnacknowledgedAsync, count => count == 0, TimeSpan.FromSeconds(10), "unacknowledged entries");
    }

    [Fact]
    public async Task A_worker_stopped_mid_job_releases_it_within_its_shutdown_time_and_another_worker_completes_it()
    {
        var tone = await bed.Media.TimeCodedToneAsync(60, Ct);
        bed.OpenAi.Transcriptions.HoldRequests();
        var settings = bed.WorkerSettings() with
        {
            ConsumerName = "leaving",
            Extra = new Dictionary<string, string?> { ["shutdownTimeoutSeconds"] = "3" },
        };
        await using var leaving = await WorkerHost.StartProcessAsync(bed.Services, settings, Ct);

        var queued = await bed.QueueAsync(tone);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(1, s_timeout);
        leaving.Terminate();

        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(15)), "The worker did not stop within its shutdown time.");
        Assert.True(leaving.ExitCode == 0, $"Exit code {leaving.ExitCode}:{Environment.NewLine}{leaving.Output}");
        var released = await bed.JobAsync(queued.JobId);
        Assert.True((JobStatus.Pending, null, 0, null) == (released.Status, released.LeaseOwner, released.Attempts, released.PublishedAt),
            $"Not released: {released.Status}, {released.LeaseOwner}, attempt {released.Attempts}, {released.LastError}{Environment.NewLine}{leaving.Output}");
        Assert.Equal(0, await bed.UnacknowledgedAsync());

        bed.OpenAi.Transcriptions.ReleaseHeld();
        await using var next = WorkerHost.StartInProcess(bed.Services, bed.WorkerSettings() with { ConsumerName = "next" });
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, "next", 1), (job.Status, job.LeaseOwner, job.Attempts));
        Assert.Equal(12, (await bed.SegmentsAsync(queued.VideoId)).Count);
    }

    [Fact]
    public async Task A_job_whose_every_attempt_died_with_its_worker_ends_in_error_without_being_run_again()
    {
        var tone = await bed.Media.TimeCodedToneAsync(10, Ct);
        // Both attempts allowed were taken by workers that died (the file may be what kills them):
        // the job is still running on a lease that ran out, and its entry comes round again.
        var queued = await bed.QueueAsync(tone, maxAttempts: 2, job: j =>
        {
            (j.Status, j.LeaseOwner, j.Attempts) = (JobStatus.Running, "died-twice", 2);
            (j.StartedAt, j.LeaseExpiresAt) = (DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(-1));
        });

        await using var worker = WorkerHost.StartInProcess(bed.Services, bed.WorkerSettings() with { ConsumerName = "guard" });
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Equal("Processing stopped unexpectedly too many times. The file may be damaged; try uploading it again.", video.ErrorMessage);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Failed, 3), (job.Status, job.Attempts));
        Assert.Empty(bed.OpenAi.Transcriptions.Requests);
        Assert.Empty(await bed.SegmentsAsync(queued.VideoId));
        await WorkerTestbed.WaitForAsync(bed.UnacknowledgedAsync, count => count == 0, s_timeout, "unacknowledged entries");
    }
}
