using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

#pragma warning disable MEAI001 // ISpeechToTextClient is experimental.

namespace AskVideo.Tests.Worker;

/// <summary>
/// A speech-to-text engine whose next call, when armed, blocks its thread and ignores its cancellation
/// until the test lets it go; every other call goes to the real client (and so to the fake server).
/// </summary>
/// <remarks>
/// The one part of a worker test that is not real, and why: the hard time limit is there for a
/// stage that does not stop when cancelled, and no real stage is one. HTTP requests are aborted
/// whatever the server does, ffmpeg is killed, and PostgreSQL cancels the query. So the engine,
/// the worker's own edge abstraction, is wrapped in the worker's real host, as an in-process engine
/// stuck in native code would behave. Only this code path is tested this way.
/// </remarks>
public sealed class StallingSpeechToTextClient(ISpeechToTextClient inner, StallingSpeechToTextClient.Switch stalls)
    : DelegatingSpeechToTextClient(inner)
{
    /// <summary>What the test controls and sees; it outlives the worker's services.</summary>
    public sealed class Switch
    {
        private readonly TaskCompletionSource _release = New();
        private int _armed;
        private TaskCompletionSource _stalled = New();
        private TaskCompletionSource _cancelled = New();

        /// <summary>The next call stalls; <see cref="Stalled"/> and <see cref="CancellationIgnored"/> then tell about it.</summary>
        public void StallNext()
        {
            (_stalled, _cancelled) = (New(), New());
            Volatile.Write(ref _armed, 1);
        }

        /// <summary>Completes when the call armed last has stalled.</summary>
        public Task Stalled => _stalled.Task;

        /// <summary>Completes when the stalled call's cancellation was requested (and ignored).</summary>
        public Task CancellationIgnored => _cancelled.Task;

        /// <summary>Lets every stalled call go on (with its cancelled token, so it fails at once).</summary>
        public void ReleaseAll() => _release.TrySetResult();

        internal void Block(CancellationToken cancellationToken)
        {
            var (stalled, cancelled) = (_stalled, _cancelled);
            using var seen = cancellationToken.Register(() => cancelled.TrySetResult());
            stalled.TrySetResult();
            // Deaf to the token on purpose: the thread stays here until the test lets it go.
            _release.Task.Wait(CancellationToken.None);
        }

        internal bool ShouldStall() => Interlocked.Exchange(ref _armed, 0) == 1;

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public override Task<SpeechToTextResponse> GetTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (stalls.ShouldStall())
        {
            stalls.Block(cancellationToken); // On the caller's thread, before any task is returned.
        }
        return base.GetTextAsync(audioSpeechStream, options, cancellationToken);
    }

    /// <summary>Wraps the worker's registered engine with one that stalls when <paramref name="stalls"/> says so.</summary>
    public static Action<IServiceCollection> Wrap(Switch stalls) => services =>
    {
        var original = services.Last(d => d.ServiceType == typeof(ISpeechToTextClient) && !d.IsKeyedService);
        services.Remove(original);
        services.AddSingleton<ISpeechToTextClient>(sp => new StallingSpeechToTextClient(
            original.ImplementationInstance as ISpeechToTextClient ?? (ISpeechToTextClient)original.ImplementationFactory!(sp), stalls));
    };
}

/// <summary>
/// A worker that runs one job at a time, with a one-second soft and a three-second hard time limit
/// on a clock the test moves, and an engine that can be made to stall.
/// </summary>
public sealed class HardTimeLimitTestbed(TestServices services) : PipelineTestbed(services)
{
    // Whole seconds: PostgreSQL keeps microseconds, and the retry time is compared exactly.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public StallingSpeechToTextClient.Switch Engine { get; } = new();

    /// <summary>The retry wait the worker settings give (<c>Worker:RetryBaseDelay</c>).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    protected override WorkerSettings Configure(WorkerSettings settings) => settings with
    {
        Time = Clock,
        Extra = new Dictionary<string, string?>
        {
            ["Worker:Concurrency"] = "1",
            ["Worker:SoftTimeLimit"] = "00:00:01",
            ["Worker:HardTimeLimit"] = "00:00:03",
            ["Worker:RetryBaseDelay"] = RetryDelay.ToString("c"),
            ["Transcription:PieceAttempts"] = "1",
        },
    };

    protected override Action<IServiceCollection> ReplaceServices => StallingSpeechToTextClient.Wrap(Engine);

    public override async ValueTask DisposeAsync()
    {
        // Stalled threads go on (and fail on their cancelled tokens) before the worker stops.
        Engine.ReleaseAll();
        await base.DisposeAsync();
    }
}

public sealed class HardTimeLimitTests(HardTimeLimitTestbed bed) : IClassFixture<HardTimeLimitTestbed>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_whose_stage_ignores_its_cancellation_is_given_up_at_the_hard_limit_retried_then_failed_and_its_slot_runs_the_next_job()
    {
        var stuck = await bed.Media.SpeechWavAsync("The engine never answers.", Ct);
        var next = await bed.Media.SpeechWavAsync("The next job gets the slot.", Ct);
        bed.Engine.StallNext();
        var queued = await bed.QueueAsync(stuck, maxAttempts: 2);
        await bed.Engine.Stalled.WaitAsync(s_timeout, Ct);

        // Past the soft limit the run is cancelled, but the stalled stage does not stop, and the
        // worker does not end the job yet: its hard limit is not reached.
        bed.Clock.Advance(TimeSpan.FromSeconds(1));
        await bed.Engine.CancellationIgnored.WaitAsync(s_timeout, Ct);
        Assert.Equal((JobStatus.Running, 1), Summary(await bed.JobAsync(queued.JobId)));

        // At the hard limit the worker gives the run up: a failure worth a retry, after the backoff.
        bed.Clock.Advance(TimeSpan.FromSeconds(2));
        var waiting = await bed.WaitForJobAsync(queued.JobId, j => j.Status == JobStatus.Pending && j.Attempts == 1, s_timeout);
        Assert.Contains("Processing did not stop within the 3-second time limit.", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(bed.Clock.GetUtcNow() + HardTimeLimitTestbed.RetryDelay, waiting.NotBefore);
        var retrying = await bed.WaitForVideoAsync(queued.VideoId, _ => true, s_timeout);
        Assert.Equal((VideoStatus.Processing, VideoStages.Retrying), (retrying.Status, retrying.ProgressStage));

        // The worker runs one job at a time and the stalled thread is still held: the next job runs
        // only because giving up freed the slot.
        var other = await bed.QueueAsync(next);
        var done = await bed.WaitUntilDoneAsync(other.VideoId, s_timeout);
        Assert.Equal(VideoStatus.Completed, done.Status);
        Assert.Equal((JobStatus.Succeeded, 1), Summary(await bed.JobAsync(other.JobId)));

        // The retry is due: it stalls as well, and the last attempt fails for good, naming the limit.
        bed.Engine.StallNext();
        bed.Clock.Advance(HardTimeLimitTestbed.RetryDelay);
        await bed.Engine.Stalled.WaitAsync(s_timeout, Ct);
        Assert.Equal((JobStatus.Running, 2), Summary(await bed.JobAsync(queued.JobId)));
        bed.Clock.Advance(TimeSpan.FromSeconds(3));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Equal("Processing did not stop within the 3-second time limit. (Gave up after 2 attempts.)", video.ErrorMessage);
        Assert.Equal((JobStatus.Failed, 2), Summary(await bed.JobAsync(queued.JobId)));
        Assert.Empty(await bed.SegmentsAsync(queued.VideoId));
        // Exactly the next job's request reached the service: both stalled calls were held back before it.
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
    }

    private static (JobStatus, int) Summary(Job job) => (job.Status, job.Attempts);
}
