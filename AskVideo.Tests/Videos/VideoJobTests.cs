using System.Net;
using System.Text.Json.Nodes;
using AskVideo.Core.Jobs;
using AskVideo.Tests.EndToEnd;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AskVideo.Tests.Videos;

/// <summary>What clients do to a video while, or after, a worker transcribes it.</summary>
public static class VideoJobSteps
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Reads the video until <paramref name="condition"/> holds.</summary>
    public static async Task<JsonNode> WaitForVideoAsync(this HttpClient client, int id, Func<JsonNode, bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        JsonNode? last = null;
        try
        {
            while (true)
            {
                last = await (await client.GetAsync($"/api/videos/{id}/", deadline.Token)).AssertStatus(HttpStatusCode.OK).JsonAsync();
                if (condition(last))
                {
                    return last;
                }
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Video {id} did not get there within {Timeout}: {last?.ToJsonString()}");
        }
    }

    /// <summary>Stream entries delivered to a worker and not acknowledged yet, for this API's database.</summary>
    public static async Task<long> UnacknowledgedAsync(this ApiFactory api)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(api.Servers.Redis.ConnectionString);
        return (await redis.GetDatabase().StreamPendingAsync(api.StreamKey(), JobStream.Group)).PendingMessageCount;
    }

    public static string Status(this JsonNode video) => video["status"]!.GetValue<string>();

    public static string? TranscriptText(this JsonNode video) => video["transcript"]?["text"]?.GetValue<string>();
}

public sealed class VideoDeletedMidJobTests(PipelineApiFactory api) : IClassFixture<PipelineApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_video_deleted_while_its_job_runs_leaves_no_rows_no_files_and_no_entry_and_the_worker_goes_on()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        api.OpenAi.Transcriptions.HoldRequests();
        int id;
        string folder;
        try
        {
            id = (await user.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
            await api.OpenAi.Transcriptions.WaitForRequestsAsync(1, VideoJobSteps.Timeout);
            await using (var db = api.OpenDb())
            {
                var key = await db.Videos.Where(v => v.Id == id).Select(v => v.StorageKey).SingleAsync(Ct);
                folder = Path.Combine(api.MediaRoot, Path.GetDirectoryName(key)!);
            }
            Assert.True(Directory.Exists(Path.Combine(folder, "work")), "The worker is mid-job, with its working folder.");

            (await user.Client.DeleteAsync($"/api/videos/{id}/", Ct)).AssertStatus(HttpStatusCode.NoContent);
        }
        finally
        {
            api.OpenAi.Transcriptions.ReleaseHeld();
        }

        // The run finds its video gone and writes nothing; its entry is dropped, if not by this run
        // then when claimed once idle, since its job is gone.
        await Worker.WorkerTestbed.WaitForAsync(api.UnacknowledgedAsync, count => count == 0, VideoJobSteps.Timeout, "unacknowledged entries");
        await using (var db = api.OpenDb())
        {
            Assert.False(await db.Videos.AnyAsync(v => v.Id == id, Ct));
            Assert.False(await db.Jobs.AnyAsync(j => j.VideoId == id, Ct));
            Assert.False(await db.TranscriptSegments.AnyAsync(s => s.VideoId == id, Ct));
            Assert.False(await db.Scenes.AnyAsync(s => s.VideoId == id, Ct));
        }
        Assert.False(Directory.Exists(folder), $"Left behind: {string.Join(", ", Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories) : [])}");

        var next = (await user.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
        Assert.Equal("completed", (await user.Client.WaitForVideoAsync(next, v => v.Status() is "completed" or "error")).Status());
    }
}

public sealed class RetranscribeTests(PipelineApiFactory api) : IClassFixture<PipelineApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retranscribing_runs_the_worker_again_and_replaces_the_transcript_segments_and_scenes()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        api.OpenAi.Transcriptions.AnswerWithText("Alpha beta gamma.");
        var id = (await user.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
        var first = await user.Client.WaitForVideoAsync(id, v => v.Status() is "completed" or "error");
        Assert.Equal(("completed", "Alpha beta gamma."), (first.Status(), first.TranscriptText()));

        api.OpenAi.Transcriptions.AnswerWithText("Delta epsilon zeta.");
        (await user.Client.PostAsync($"/api/videos/{id}/retranscribe/", null, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var second = await user.Client.WaitForVideoAsync(id, v => v.Status() is "completed" or "error" && v.TranscriptText() != "Alpha beta gamma.");

        Assert.Equal(("completed", "Delta epsilon zeta."), (second.Status(), second.TranscriptText()));
        var segment = Assert.Single(second["transcript"]!["segments"]!.AsArray())!;
        Assert.Equal("Delta epsilon zeta.", segment["text"]!.GetValue<string>());
        await using var db = api.OpenDb();
        var jobs = await db.Jobs.Where(j => j.VideoId == id).OrderBy(j => j.Id).ToListAsync(Ct);
        Assert.Equal([(JobStatus.Succeeded, 1), (JobStatus.Succeeded, 1)], jobs.Select(j => (j.Status, j.Attempts)));
        var scenes = await db.Scenes.Where(s => s.VideoId == id).Select(s => s.Text).ToListAsync(Ct);
        Assert.Equal("Delta epsilon zeta.", Assert.Single(scenes));
    }
}
