using System.Net;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

public sealed class TranscriptTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_json_transcript_has_each_segment_with_its_start_and_end_in_seconds()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await TranscribedVideoAsync(user.Id);

        foreach (var url in new[] { $"/api/videos/{id}/transcript/", $"/api/videos/{id}/transcript/?format=json" })
        {
            var transcript = await (await user.Client.GetAsync(url, Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
            Assert.Equal("Hello there. General Kenobi. You are a bold one.", transcript["text"]!.GetValue<string>());
            Assert.Equal("en", transcript["language"]!.GetValue<string>());
            var segments = transcript["segments"]!.AsArray();
            Assert.Equal([0, 1, 2], segments.Select(s => s!["index"]!.GetValue<int>()));
            Assert.Equal([1.0, 4.25, 3661.5], segments.Select(s => s!["start"]!.GetValue<double>()));
            Assert.Equal([4.25, 6.0, 3663.0625], segments.Select(s => s!["end"]!.GetValue<double>()));
            Assert.Equal("General Kenobi.", segments[1]!["text"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_text_transcript_is_plain_text()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await TranscribedVideoAsync(user.Id);

        var response = (await user.Client.GetAsync($"/api/videos/{id}/transcript/?format=txt", Ct)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Hello there. General Kenobi. You are a bold one.\n", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Kenobi meeting.txt", response.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task The_srt_transcript_is_a_valid_subrip_file()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await TranscribedVideoAsync(user.Id);

        var response = (await user.Client.GetAsync($"/api/videos/{id}/transcript/?format=srt", Ct)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal("application/x-subrip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Kenobi meeting.srt", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(
            "1\n00:00:01,000 --> 00:00:04,250\nHello there.\n\n" +
            "2\n00:00:04,250 --> 00:00:06,000\nGeneral Kenobi.\n\n" +
            "3\n01:01:01,500 --> 01:01:03,063\nYou are a bold one.\n<laughs> & more\n\n",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_vtt_transcript_is_a_valid_webvtt_file()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await TranscribedVideoAsync(user.Id);

        var response = (await user.Client.GetAsync($"/api/videos/{id}/transcript/?format=vtt", Ct)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal("text/vtt", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Kenobi meeting.vtt", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(
            "WEBVTT\n\n" +
            "00:00:01.000 --> 00:00:04.250\nHello there.\n\n" +
            "00:00:04.250 --> 00:00:06.000\nGeneral Kenobi.\n\n" +
            "01:01:01.500 --> 01:01:03.063\nYou are a bold one.\n&lt;laughs&gt; &amp; more\n\n",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_naming_format()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await TranscribedVideoAsync(user.Id);

        await (await user.Client.GetAsync($"/api/videos/{id}/transcript/?format=docx", Ct)).AssertValidationProblemAsync("format");
    }

    [Fact]
    public async Task A_video_without_a_transcript_yet_answers_404_saying_so()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => v.Status = VideoStatus.Processing);

        var problem = await (await user.Client.GetAsync($"/api/videos/{video.Id}/transcript/?format=srt", Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("no transcript yet", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("processing", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VideoStatus.Pending)]
    [InlineData(VideoStatus.Processing)]
    public async Task Retranscribing_a_video_still_in_the_pipeline_is_a_409(VideoStatus status)
    {
        using var user = await api.SignInNewUserAsync();
        var video = await user.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
        var id = video["id"]!.GetValue<int>();
        await api.SetStatusAsync(id, status, status == VideoStatus.Pending ? "queued" : "transcribe", 30);

        var problem = await (await user.Client.PostAsync($"/api/videos/{id}/retranscribe/", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("completed or in error", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var db = api.OpenDb();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.VideoId == id, Ct));
    }

    [Theory]
    [InlineData(VideoStatus.Completed, null)]
    [InlineData(VideoStatus.Error, "The file has no audio track.")]
    public async Task Retranscribing_a_finished_video_queues_it_again_with_a_new_job(VideoStatus status, string? error)
    {
        using var user = await api.SignInNewUserAsync();
        var video = await user.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
        var id = video["id"]!.GetValue<int>();
        await api.SetStatusAsync(id, status, StageOf(status), 100, error);

        var response = await user.Client.PostAsync($"/api/videos/{id}/retranscribe/", null, Ct);

        var queued = await response.AssertStatus(HttpStatusCode.Accepted).JsonAsync();
        Assert.Equal("pending", queued["status"]!.GetValue<string>());
        Assert.Equal("queued", queued["progress"]!["stage"]!.GetValue<string>());
        Assert.Equal(0, queued["progress"]!["percent"]!.GetValue<int>());
        Assert.Null(queued["error_message"]);
        await using var db = api.OpenDb();
        var jobs = await db.Jobs.Where(j => j.VideoId == id).OrderBy(j => j.Id).ToListAsync(Ct);
        Assert.Equal(2, jobs.Count);
        Assert.Equal(JobStatus.Pending, jobs[1].Status);
        Assert.NotNull(jobs[1].PublishedAt);
        Assert.True(await api.StreamHasJobAsync(jobs[1]));

        // Once queued, it is in the pipeline again.
        (await user.Client.PostAsync($"/api/videos/{id}/retranscribe/", null, Ct)).AssertStatus(HttpStatusCode.Conflict);
    }

    private static string StageOf(VideoStatus status) => status == VideoStatus.Completed ? "completed" : "transcribe";

    private async Task<int> TranscribedVideoAsync(int ownerId)
    {
        var video = await api.InsertVideoAsync(ownerId, v =>
        {
            v.Title = "Kenobi meeting";
            v.TranscriptText = "Hello there. General Kenobi. You are a bold one.";
            v.Language = "en";
        });
        await using var db = api.OpenDb();
        db.TranscriptSegments.AddRange(
            // Stored out of order on purpose: output follows the index.
            new TranscriptSegment { VideoId = video.Id, Index = 2, Start = 3661.5, End = 3663.0625, Text = "You are a bold one.\n\n<laughs> & more " },
            new TranscriptSegment { VideoId = video.Id, Index = 0, Start = 1, End = 4.25, Text = " Hello there." },
            new TranscriptSegment { VideoId = video.Id, Index = 1, Start = 4.25, End = 6, Text = "General Kenobi." });
        await db.SaveChangesAsync(Ct);
        return video.Id;
    }
}
