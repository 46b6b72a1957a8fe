using System.Net;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using AskVideo.Tests.Worker;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Admin;

/// <summary>A dead-lettered job retried by an admin runs through the normal path: API, stream, a real Worker.</summary>
public sealed class JobRetryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_that_failed_for_good_completes_after_an_admin_retry_with_one_set_of_segments()
    {
        await using var openAi = await FakeOpenAiServer.StartAsync();
        await using var worker = WorkerHost.StartInProcess(api.Servers,
            new WorkerSettings(api.DatabaseConnectionString, api.MediaRoot) { Transcription = openAi.ConnectionString() });
        using var admin = await api.SignInNewAdminAsync();
        using var owner = await api.SignInNewUserAsync();
        // The service refuses the worker's key: a permanent failure, dead-lettered after one attempt.
        openAi.Transcriptions.RequiredKey = "a-key-the-worker-does-not-have";
        var speech = await api.Servers.Media.SpeechWavAsync("An admin can run this again.", Ct);
        var videoId = (await owner.Client.UploadOkAsync(speech))["id"]!.GetValue<int>();
        var failed = await WorkerTestbed.WaitForAsync(() => JobOfAsync(videoId), j => j.Status == JobStatus.Failed, s_timeout, "job");

        var dead = await admin.Client.GetOkAsync("/api/admin/jobs/?status=failed");
        Assert.Contains(dead["results"]!.AsArray(), j => j!["id"]!.GetValue<long>() == failed.Id
            && j["last_error"]!.GetValue<string>().Length > 0 && j["attempts"]!.GetValue<int>() == 1);

        openAi.Transcriptions.RequiredKey = FakeOpenAiServer.ApiKey;
        openAi.Transcriptions.AnswerWithText("an admin can run this again");
        var retried = await admin.Client.PostOkAsync($"/api/admin/jobs/{failed.Id}/retry/", HttpStatusCode.Accepted);
        Assert.Equal("pending", retried["status"]!.GetValue<string>());

        var job = await WorkerTestbed.WaitForAsync(() => JobOfAsync(videoId), j => j.Status == JobStatus.Succeeded, s_timeout, "job");
        Assert.Equal(failed.Id, job.Id);
        Assert.Equal(1, job.Attempts);
        var video = await owner.Client.GetOkAsync($"/api/videos/{videoId}/");
        Assert.Equal("completed", video["status"]!.GetValue<string>());
        Assert.Equal("an admin can run this again", video["transcript"]!["text"]!.GetValue<string>());
        await using var db = api.OpenDb();
        var indexes = await db.TranscriptSegments.Where(s => s.VideoId == videoId).Select(s => s.Index).OrderBy(i => i).ToListAsync(Ct);
        Assert.NotEmpty(indexes);
        Assert.Equal(Enumerable.Range(0, indexes.Count), indexes);
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.VideoId == videoId, Ct));
        Assert.Equal(VideoStatus.Completed, (await db.Videos.SingleAsync(v => v.Id == videoId, Ct)).Status);
        // Retrying a job that is no longer failed is refused and says why.
        await (await admin.Client.PostAsync($"/api/admin/jobs/{failed.Id}/retry/", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    private async Task<Job> JobOfAsync(int videoId)
    {
        await using var db = api.OpenDb();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.VideoId == videoId, Ct);
    }
}
