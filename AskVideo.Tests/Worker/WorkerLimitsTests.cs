using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AskVideo.Tests.Worker;

/// <summary>A worker with a one-second time limit, on a clock the test moves.</summary>
public sealed class TimeLimitTestbed(TestServices services) : PipelineTestbed(services)
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override WorkerSettings Configure(WorkerSettings settings) => settings with
    {
        Time = Clock,
        Extra = new Dictionary<string, string?>
        {
            ["Worker:SoftTimeLimit"] = "00:00:01",
            ["Worker:HardTimeLimit"] = "00:00:03",
        },
    };
}

public sealed class WorkerLimitsTests(TimeLimitTestbed bed) : IClassFixture<TimeLimitTestbed>
{
    [Fact]
    public async Task A_job_past_its_soft_time_limit_is_cancelled_and_ends_in_error_naming_the_limit()
    {
        bed.OpenAi.Transcriptions.HoldRequests();
        var speech = await bed.Media.SpeechWavAsync("Nobody answers.", TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(speech, maxAttempts: 1);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(1, TimeSpan.FromSeconds(60));
        // The transcription hangs, but on the worker's clock no time has passed: it keeps going.
        Assert.Equal(JobStatus.Running, (await bed.JobAsync(queued.JobId)).Status);

        bed.Clock.Advance(TimeSpan.FromSeconds(1));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, TimeSpan.FromSeconds(60));

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Contains("longer than the 1-second time limit", video.ErrorMessage, StringComparison.Ordinal);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Failed, 1), (job.Status, job.Attempts));
        bed.OpenAi.Transcriptions.ReleaseHeld();
    }

    [Fact]
    public void A_worker_with_invalid_settings_refuses_to_start_and_says_why()
    {
        var settings = new WorkerSettings(bed.Database, bed.MediaRoot)
        {
            Extra = new Dictionary<string, string?> { ["Worker:Concurrency"] = "0", ["Transcription:PieceOverlap"] = "00:10:00" },
        };

        var error = Assert.Throws<AggregateException>(() => WorkerHost.StartInProcess(bed.Services, settings).Dispose());

        Assert.All(error.InnerExceptions, e => Assert.IsType<OptionsValidationException>(e));
        Assert.Contains("Worker:Concurrency must be between 1 and 64.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Transcription:PieceOverlap must be between 0 and half of PieceDuration.", error.Message, StringComparison.Ordinal);
    }
}
