using System.Net;
using System.Net.Http.Json;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

/// <summary>Stops the Redis every test shares, so nothing may run beside it.</summary>
[CollectionDefinition(nameof(RedisOutage), DisableParallelization = true)]
public sealed class RedisOutage;

[Collection(nameof(RedisOutage))]
public sealed class RedisOutageTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_while_redis_is_down_still_succeeds_and_leaves_its_job_to_the_relay()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);

        await api.Servers.Redis.StopAsync(Ct);
        HttpResponseMessage response;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            response = await user.Client.UploadAsync(path);
        }
        finally
        {
            await api.Servers.Redis.RestartAsync(Ct);
        }

        var video = await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The upload waited {clock.ElapsedMilliseconds} ms for Redis.");
        Assert.Equal("pending", video["status"]!.GetValue<string>());
        await using var db = api.OpenDb();
        var job = await db.Jobs.SingleAsync(j => j.VideoId == video["id"]!.GetValue<int>(), Ct);
        Assert.Null(job.PublishedAt);
        Assert.True(job.NotBefore > job.CreatedAt);
        Assert.False(await api.StreamHasJobAsync(job));
    }

    [Fact]
    public async Task A_transcript_edit_while_redis_is_down_still_succeeds_and_leaves_its_index_job_to_the_relay()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => (v.Status, v.ProgressStage, v.TranscriptText) = (VideoStatus.Completed, "completed", "Hello there."));
        await using (var db = api.OpenDb())
        {
            db.TranscriptSegments.Add(new TranscriptSegment { VideoId = video.Id, Index = 0, Start = 0, End = 2, Text = "Hello there." });
            await db.SaveChangesAsync(Ct);
        }

        await api.Servers.Redis.StopAsync(Ct);
        HttpResponseMessage response;
        try
        {
            response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
                new { segments = new[] { new { index = 0, text = "Goodbye now." } } }, Ct);
        }
        finally
        {
            await api.Servers.Redis.RestartAsync(Ct);
        }

        var body = await response.AssertStatus(HttpStatusCode.Accepted).JsonAsync();
        Assert.Equal(("Goodbye now.", "pending"), (body["text"]!.GetValue<string>(), body["index_status"]!.GetValue<string>()));
        await using var check = api.OpenDb();
        var job = await check.Jobs.SingleAsync(j => j.VideoId == video.Id, Ct);
        Assert.Equal((JobKind.Index, JobStatus.Pending), (job.Kind, job.Status));
        Assert.Null(job.PublishedAt);
        Assert.True(job.NotBefore > job.CreatedAt);
        Assert.False(await api.StreamHasJobAsync(job));
    }
}
