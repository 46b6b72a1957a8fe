using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using StackExchange.Redis;

namespace AskVideo.Tests.Worker;

/// <summary>A worker set to run two jobs at a time, given three.</summary>
public sealed class WorkerConcurrencyTests(WorkerTestbed bed) : IClassFixture<WorkerTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task A_worker_with_concurrency_two_runs_two_jobs_at_once_takes_the_third_when_one_ends_and_keeps_their_results_apart()
    {
        int[] seconds = [10, 20, 30];
        var tones = new List<string>();
        foreach (var length in seconds)
        {
            tones.Add(await bed.Media.TimeCodedToneAsync(length, Ct));
        }
        bed.OpenAi.Transcriptions.HoldRequests();
        // All three are in the stream before the worker starts, so its first read could take all three.
        var queued = new List<QueuedVideo>();
        foreach (var tone in tones)
        {
            queued.Add(await bed.QueueAsync(tone));
        }

        var settings = bed.WorkerSettings() with { Extra = new Dictionary<string, string?> { ["Worker:Concurrency"] = "2" } };
        await using var worker = WorkerHost.StartInProcess(bed.Services, settings);
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(2, s_timeout);

        // Two requests wait at once: two jobs run side by side. The worker read only as many
        // entries as it had free slots, and reads no more while both are busy.
        Assert.Equal(2, await bed.UnacknowledgedAsync());
        var jobs = new List<Job>();
        foreach (var video in queued)
        {
            jobs.Add(await bed.JobAsync(video.JobId));
        }
        Assert.Equal(2, jobs.Count(j => j.Status == JobStatus.Running));
        Assert.Single(jobs, j => j.Status == JobStatus.Pending && j.Attempts == 0);

        bed.OpenAi.Transcriptions.ReleaseHeld();
        for (var i = 0; i < queued.Count; i++)
        {
            Assert.Equal(VideoStatus.Completed, (await bed.WaitUntilDoneAsync(queued[i].VideoId, s_timeout)).Status);
            var words = (await bed.SegmentsAsync(queued[i].VideoId)).SelectMany(s => s.Text.Split(' '));
            Assert.Equal(Enumerable.Range(0, seconds[i]).Select(t => $"w{t}"), words);
            Assert.Equal((JobStatus.Succeeded, 1), ((await bed.JobAsync(queued[i].JobId)).Status, (await bed.JobAsync(queued[i].JobId)).Attempts));
        }
        Assert.Equal(3, bed.OpenAi.Transcriptions.Requests.Count);
    }
}

/// <summary>Entries a worker cannot use: it acknowledges and deletes them, and goes on.</summary>
public sealed class MalformedEntryTests(PipelineTestbed bed) : IClassFixture<PipelineTestbed>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entries_without_a_usable_job_id_are_dropped_and_the_job_after_them_completes()
    {
        var redis = bed.Redis.GetDatabase();
        var key = bed.Stream.Key;
        var dropped = new List<RedisValue>
        {
            await redis.StreamAddAsync(key, [new NameValueEntry(JobStream.JobIdField, "not-a-number")]),
            await redis.StreamAddAsync(key, [new NameValueEntry("something_else", "42")]),
            await redis.StreamAddAsync(key, [new NameValueEntry(JobStream.JobIdField, long.MaxValue)]),
            await redis.StreamAddAsync(key, [new NameValueEntry(JobStream.JobIdField, "")]),
        };

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(10, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        // Each was read before the good entry; none is left pending or in the stream.
        await WorkerTestbed.WaitForAsync(bed.UnacknowledgedAsync, count => count == 0, s_timeout, "unacknowledged entries");
        var left = await redis.StreamRangeAsync(key);
        Assert.DoesNotContain(left, e => dropped.Contains(e.Id));
        Assert.Empty(left);
    }
}
