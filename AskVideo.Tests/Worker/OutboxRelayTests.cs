using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;

namespace AskVideo.Tests.Worker;

/// <summary>
/// Tests that stop the run's shared Redis. They run alone, after every parallel test, so no other
/// test sees Redis vanish; any test that stops Redis belongs in this collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisOutageCollection
{
    public const string Name = "Redis outage";
}

[Collection(RedisOutageCollection.Name)]
public sealed class OutboxRelayTests(PipelineTestbed bed) : IClassFixture<PipelineTestbed>
{
    [Fact]
    public async Task A_job_committed_while_redis_is_down_is_published_by_the_relay_once_redis_is_back_and_completes()
    {
        var ct = TestContext.Current.CancellationToken;
        var tone = await bed.Media.TimeCodedToneAsync(30, ct);

        QueuedVideo queued;
        await bed.Services.Redis.StopAsync(ct);
        try
        {
            // As an upload does: commit, then try to publish; Redis refuses, the upload still succeeds.
            queued = await bed.QueueAsync(tone, publish: false);
            Assert.False(await bed.PublishAsync(queued.JobId));
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var waiting = await bed.JobAsync(queued.JobId);
            Assert.Equal((JobStatus.Pending, (DateTimeOffset?)null), (waiting.Status, waiting.PublishedAt));
        }
        finally
        {
            await bed.Services.Redis.RestartAsync(ct);
        }

        var video = await bed.WaitUntilDoneAsync(queued.VideoId, TimeSpan.FromSeconds(60));

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal(6, (await bed.SegmentsAsync(queued.VideoId)).Count);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts));
        Assert.NotNull(job.PublishedAt);
    }
}
