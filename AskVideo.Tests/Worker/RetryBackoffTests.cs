using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Worker.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AskVideo.Tests.Worker;

/// <summary>
/// A worker on a clock the test moves, whose retries wait ten minutes, doubled each time. Pieces
/// are tried once, so every attempt is one request.
/// </summary>
public sealed class BackoffTestbed(TestServices services) : PipelineTestbed(services)
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMinutes(10);

    // Whole seconds: PostgreSQL keeps microseconds, and the retry time is compared exactly.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>The worker's own outbox relay, for a pass the test can see the result of.</summary>
    public OutboxRelay Relay => Worker.Services.GetServices<IHostedService>().OfType<OutboxRelay>().Single();

    protected override WorkerSettings Configure(WorkerSettings settings) => settings with
    {
        Time = Clock,
        Extra = new Dictionary<string, string?>
        {
            ["Worker:RetryBaseDelay"] = BaseDelay.ToString("c"),
            ["Transcription:PieceAttempts"] = "1",
        },
    };
}

public sealed class RetryBackoffTests(BackoffTestbed bed) : IClassFixture<BackoffTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_failed_attempt_waits_at_stage_retrying_for_its_backoff_which_doubles_until_the_last_attempt_fails()
    {
        bed.OpenAi.Transcriptions.FailNext(-1, 500);
        var speech = await bed.Media.SpeechWavAsync("Try, try again.", Ct);
        var queued = await bed.QueueAsync(speech, maxAttempts: 3);

        // First attempt failed: the job waits for its retry time, the video says it is retrying.
        var start = bed.Clock.GetUtcNow();
        var waiting = await WaitForAttemptAsync(queued, 1);
        Assert.Equal(start + BackoffTestbed.BaseDelay, waiting.NotBefore);
        Assert.Contains("500", waiting.LastError, StringComparison.Ordinal);
        await AssertRetryingAsync(queued);

        // One second before the retry is due the relay publishes nothing, and nothing runs.
        bed.Clock.Advance(BackoffTestbed.BaseDelay - s_second);
        Assert.Equal(0, await bed.Relay.RelayAsync(Ct));
        Assert.Equal((JobStatus.Pending, 1, (DateTimeOffset?)null), Summary(await bed.JobAsync(queued.JobId)));
        Assert.Single(bed.OpenAi.Transcriptions.Requests);

        // Due: the relay's next pass publishes it, and the second attempt fails too; its wait is twice as long.
        bed.Clock.Advance(s_second);
        var second = await WaitForAttemptAsync(queued, 2);
        Assert.Equal(bed.Clock.GetUtcNow() + 2 * BackoffTestbed.BaseDelay, second.NotBefore);
        await AssertRetryingAsync(queued);

        bed.Clock.Advance(2 * BackoffTestbed.BaseDelay - s_second);
        Assert.Equal(0, await bed.Relay.RelayAsync(Ct));
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);

        // The third and last attempt fails for good.
        bed.Clock.Advance(s_second);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Contains("3 attempts", video.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((JobStatus.Failed, 3), ((await bed.JobAsync(queued.JobId)).Status, (await bed.JobAsync(queued.JobId)).Attempts));
        Assert.Equal(3, bed.OpenAi.Transcriptions.Requests.Count);
    }

    [Fact]
    public async Task An_entry_for_the_job_that_arrives_during_its_backoff_is_dropped_and_the_job_still_waits_for_its_time()
    {
        bed.OpenAi.Transcriptions.FailNext(1, 500);
        var speech = await bed.Media.SpeechWavAsync("Good things come to those who wait.", Ct);
        var queued = await bed.QueueAsync(speech, maxAttempts: 3);
        var start = bed.Clock.GetUtcNow();
        var waiting = await WaitForAttemptAsync(queued, 1);
        Assert.Equal(start + BackoffTestbed.BaseDelay, waiting.NotBefore);

        // An early entry for the waiting job, as a copy left by a worker that died can be, and
        // possibly while the failed run is still ending on the worker. The worker reads it, runs
        // nothing, and acknowledges it: the entry is deleted, so the stream empties.
        await bed.AddStrayEntryAsync(queued.JobId);
        await WorkerTestbed.WaitForAsync(bed.StreamLengthAsync, length => length == 0, s_timeout, "entries in the stream");
        Assert.Equal(0, await bed.UnacknowledgedAsync());
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
        Assert.Equal((JobStatus.Pending, 1, (DateTimeOffset?)null), Summary(await bed.JobAsync(queued.JobId)));

        // Due: the relay publishes it, and the second attempt completes it.
        bed.Clock.Advance(BackoffTestbed.BaseDelay);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        Assert.Equal(VideoStatus.Completed, video.Status);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, 2), (job.Status, job.Attempts));
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);
    }

    [Fact]
    public async Task An_entry_the_relay_published_for_the_retry_time_is_taken_by_a_worker_whose_clock_says_it_is_not_due_yet()
    {
        bed.OpenAi.Transcriptions.FailNext(1, 500);
        var speech = await bed.Media.SpeechWavAsync("Our clocks never quite agree.", Ct);
        var queued = await bed.QueueAsync(speech, maxAttempts: 3);
        var waiting = await WaitForAttemptAsync(queued, 1);

        // The relay of a worker whose clock runs ahead publishes the retry as due, while this
        // worker's clock is still well before it: the entry names the retry time, so it runs.
        Assert.True(await bed.PublishAsync(queued.JobId, dueAt: waiting.NotBefore));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.True(bed.Clock.GetUtcNow() < waiting.NotBefore);
        Assert.Equal((JobStatus.Succeeded, 2), ((await bed.JobAsync(queued.JobId)).Status, (await bed.JobAsync(queued.JobId)).Attempts));
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);
    }

    private Task<Job> WaitForAttemptAsync(QueuedVideo queued, int attempts) =>
        bed.WaitForJobAsync(queued.JobId, j => j.Status == JobStatus.Pending && j.Attempts == attempts && j.PublishedAt == null, s_timeout);

    private async Task AssertRetryingAsync(QueuedVideo queued)
    {
        var video = await bed.WaitForVideoAsync(queued.VideoId, _ => true, s_timeout);
        Assert.Equal((VideoStatus.Processing, VideoStages.Retrying, (string?)null), (video.Status, video.ProgressStage, video.ErrorMessage));
    }

    private static (JobStatus, int, DateTimeOffset?) Summary(Job job) => (job.Status, job.Attempts, job.PublishedAt);
}
