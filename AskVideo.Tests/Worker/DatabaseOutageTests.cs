using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace AskVideo.Tests.Worker;

/// <summary>A worker whose database goes away while a job arrives, and comes back.</summary>
public sealed class DatabaseOutageTests(WorkerTestbed bed) : IClassFixture<WorkerTestbed>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_pauses_while_its_database_is_down_and_completes_the_job_once_it_is_back()
    {
        var tone = await bed.Media.TimeCodedToneAsync(30, Ct);
        await using var link = SeveredLink.To(bed.Services.Postgres.Port);
        var throughLink = new NpgsqlConnectionStringBuilder(bed.Database) { Port = link.Port }.ConnectionString;
        await using var worker = WorkerHost.StartInProcess(bed.Services, bed.WorkerSettings() with { Database = throughLink });

        link.GoDown();
        var queued = await bed.QueueAsync(tone);
        // The worker has the entry, and the job is still waiting: nothing failed, nothing was attempted.
        await WorkerTestbed.WaitForAsync(DeliveredAsync, count => count == 1, s_timeout, "entries delivered");
        var waiting = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Pending, 0, null), (waiting.Status, waiting.Attempts, waiting.LastError));

        link.ComeBack();
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts));
        Assert.Equal(6, (await bed.SegmentsAsync(queued.VideoId)).Count);
        await WorkerTestbed.WaitForAsync(bed.UnacknowledgedAsync, count => count == 0, s_timeout, "unacknowledged entries");
    }

    /// <summary>Entries delivered and not acknowledged; none while the worker has not made its group yet.</summary>
    private async Task<long> DeliveredAsync()
    {
        try
        {
            return await bed.UnacknowledgedAsync();
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
