using System.Diagnostics;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;

namespace AskVideo.Tests.Worker;

/// <summary>The whole pipeline through the real stream and an in-process worker, with the fake OpenAI server as engine.</summary>
public sealed class TranscriptionPipelineTests(PipelineTestbed bed) : IClassFixture<PipelineTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_40_minute_recording_is_sent_in_pieces_under_25_MB_and_stitched_into_every_second_exactly_once()
    {
        var tone = await bed.Media.TimeCodedToneAsync(2400, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        var queued = await bed.QueueAsync(tone);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, TimeSpan.FromMinutes(3));

        TestContext.Current.SendDiagnosticMessage($"40-minute recording transcribed in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal(100, video.ProgressPercent);
        Assert.Equal("en", video.Language);
        Assert.InRange(video.DurationSeconds!.Value, 2399.5, 2400.5);

        var requests = bed.OpenAi.Transcriptions.Requests;
        Assert.InRange(requests.Count, 4, 6);
        Assert.All(requests, r =>
        {
            Assert.InRange(r.Bytes, 1, FakeTranscriptions.MaxFileBytes - 1);
            Assert.EndsWith(".flac", r.FileName, StringComparison.Ordinal);
            Assert.Equal("whisper-1", r.Model);
            Assert.Equal("verbose_json", r.ResponseFormat);
            Assert.Contains("segment", r.TimestampGranularities);
        });

        var segments = await bed.SegmentsAsync(queued.VideoId);
        Assert.Equal(Enumerable.Range(0, segments.Count), segments.Select(s => s.Index));
        var words = segments.SelectMany(s => s.Text.Split(' ').Select(word => (Word: word, Segment: s))).ToList();
        Assert.Equal(Enumerable.Range(0, 2400).Select(t => $"w{t}"), words.Select(w => w.Word));
        Assert.All(words, w =>
        {
            var second = int.Parse(w.Word[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(w.Segment.Start <= second + 0.001 && second + 1 <= w.Segment.End + 0.001,
                $"{w.Word} lies outside its segment {w.Segment.Start}-{w.Segment.End}");
        });
        Assert.True(segments.Zip(segments.Skip(1)).All(p => p.First.Start < p.Second.Start), "Segment start times ascend.");
        Assert.InRange(segments[0].Start, 0, 5);
        Assert.InRange(segments[^1].End, 2395, 2405);
        Assert.Equal(string.Join(' ', words.Select(w => w.Word)), video.TranscriptText);

        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Attempts);
        var work = Path.Combine(bed.MediaRoot, Path.GetDirectoryName(video.StorageKey)!, "work");
        Assert.True(!Directory.Exists(work) || !Directory.EnumerateDirectories(work, $"job-{job.Id}-*").Any(),
            "The job's temporary folder is deleted.");
    }

    [Fact]
    public async Task A_file_without_an_audio_track_ends_in_error_saying_so_and_its_job_is_dead_lettered()
    {
        var silent = await bed.Media.SilentVideoAsync(TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(silent);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Contains("no audio track", video.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.Empty(bed.OpenAi.Transcriptions.Requests);
    }

    [Fact]
    public async Task A_rejected_api_key_ends_in_error_after_one_request_without_pointless_retries()
    {
        bed.OpenAi.Transcriptions.RequiredKey = "a-key-the-worker-does-not-have";
        var speech = await bed.Media.SpeechWavAsync("The key is wrong.", TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(speech);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Equal("The transcription service rejected the API key.", video.ErrorMessage);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.Single(bed.OpenAi.Transcriptions.Requests);
        Assert.Equal(FakeOpenAiServer.ApiKey, bed.OpenAi.Transcriptions.Requests[0].ApiKey);
    }

    [Fact]
    public async Task A_transient_service_failure_is_retried_and_the_video_completes()
    {
        bed.OpenAi.Transcriptions.AnswerWithText("a sentence worth keeping");
        bed.OpenAi.Transcriptions.FailNext(1, 503);
        var speech = await bed.Media.SpeechWavAsync("A sentence worth keeping.", TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(speech);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal("a sentence worth keeping", video.TranscriptText);
        Assert.Null(video.ErrorMessage);
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);
    }

    [Fact]
    public async Task A_service_failing_every_time_is_retried_with_backoff_then_the_video_ends_in_error()
    {
        bed.OpenAi.Transcriptions.FailNext(-1, 500);
        var speech = await bed.Media.SpeechWavAsync("This will never work.", TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(speech);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Contains("transcription service failed", video.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("3 attempts", video.ErrorMessage, StringComparison.Ordinal);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(3, job.Attempts);
        Assert.Contains("500", job.LastError, StringComparison.Ordinal);
        // Three attempts, each trying its piece three times.
        Assert.Equal(9, bed.OpenAi.Transcriptions.Requests.Count);
    }

    [Fact]
    public async Task A_job_published_twice_and_then_run_again_leaves_one_set_of_segments()
    {
        var tone = await bed.Media.TimeCodedToneAsync(60, TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(tone);
        Assert.True(await bed.PublishAsync(queued.JobId));
        await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        var first = await bed.SegmentsAsync(queued.VideoId);

        // Run it once more, as if the worker had died after committing but before acknowledging
        // (pending and due now: a pending job after an attempt is otherwise waiting out a backoff).
        await using (var db = bed.OpenDb())
        {
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                db.Jobs.Where(j => j.Id == queued.JobId),
                set => set.SetProperty(j => j.Status, JobStatus.Pending).SetProperty(j => j.NotBefore, DateTimeOffset.UtcNow)
                    .SetProperty(j => j.UpdatedAt, DateTimeOffset.UtcNow),
                TestContext.Current.CancellationToken);
        }
        Assert.True(await bed.PublishAsync(queued.JobId));
        await bed.WaitForJobAsync(queued.JobId, j => j.Status == JobStatus.Succeeded, s_timeout);

        var second = await bed.SegmentsAsync(queued.VideoId);
        Assert.Equal(12, first.Count);
        Assert.Equal(first.Select(s => (s.Index, s.Start, s.End, s.Text)), second.Select(s => (s.Index, s.Start, s.End, s.Text)));
        Assert.Equal(2, (await bed.JobAsync(queued.JobId)).Attempts);
        Assert.Equal(2, bed.OpenAi.Transcriptions.Requests.Count);
    }

    [Fact]
    public async Task The_job_continues_the_trace_of_the_request_that_created_it_with_a_span_per_stage()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
        var spans = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AskVideo",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Add(activity.OperationName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var speech = await bed.Media.SpeechWavAsync("Follow the trace.", TestContext.Current.CancellationToken);

        var queued = await bed.QueueAsync(speech, traceParent: traceParent);
        await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        await WorkerTestbed.WaitForAsync(() => Task.FromResult(spans.Contains("job.process")), seen => seen, TimeSpan.FromSeconds(5), "the job.process span");

        Assert.Superset(
            new HashSet<string> { "job.process", "probe", "extract", "transcribe", "transcribe.piece", "index", "scenes.split", "store" },
            spans.ToHashSet());
    }
}
