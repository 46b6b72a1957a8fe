using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Search;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

/// <summary>The Api with small edit limits (no Worker: what an edit leaves for it is checked as it was queued).</summary>
public sealed class TranscriptEditApiFactory(TestServices services) : ApiFactory(services)
{
    public const int MaxSegments = 3;
    public const int MaxSegmentLength = 200;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TranscriptEdits:MaxSegments"] = MaxSegments.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TranscriptEdits:MaxSegmentLength"] = MaxSegmentLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// PATCH /api/videos/{id}/transcript/: edited segment texts are stored and an index job is queued
/// with them; the scenes are the Worker's to replace (see <see cref="TranscriptReindexTests"/>).
/// </summary>
public sealed class TranscriptEditTests(TranscriptEditApiFactory api) : IClassFixture<TranscriptEditApiFactory>
{
    private static readonly string[] s_texts = ["The cat sat on the mat.", "Dogs were barking all night.", "Morning came slowly."];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_edit_stores_the_new_text_and_answers_202_with_the_reindex_pending_and_the_old_scenes_in_place()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        await using var before = api.OpenDb();
        var oldScene = Assert.Single(await before.ScenesAsync(video.Id));

        var response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "  Parrots were whistling all night.  " } } }, Ct);

        var body = await response.AssertStatus(HttpStatusCode.Accepted).JsonAsync();
        Assert.Equal($"/api/videos/{video.Id}/", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", body["index_status"]!.GetValue<string>());
        var get = await (await user.Client.GetAsync($"/api/videos/{video.Id}/transcript/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.True(body.AsObject().Remove("index_status"));
        Assert.Equal(get.ToJsonString(), body.ToJsonString());
        Assert.Equal("The cat sat on the mat. Parrots were whistling all night. Morning came slowly.", body["text"]!.GetValue<string>());
        Assert.Equal("Parrots were whistling all night.", body["segments"]![1]!["text"]!.GetValue<string>());
        Assert.Equal(10.0, body["segments"]![1]!["start"]!.GetValue<double>());

        var detail = await (await user.Client.GetAsync($"/api/videos/{video.Id}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(("completed", "index", 0), (detail["status"]!.GetValue<string>(),
            detail["progress"]!["stage"]!.GetValue<string>(), detail["progress"]!["percent"]!.GetValue<int>()));

        await using var db = api.OpenDb();
        // The scenes are untouched: chat answers from the old text until the Worker has indexed the new one.
        var scene = Assert.Single(await db.ScenesAsync(video.Id));
        Assert.Equal((oldScene.Id, oldScene.Text), (scene.Id, scene.Text));
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.VideoId == video.Id, Ct);
        Assert.Equal((JobKind.Index, JobStatus.Pending), (job.Kind, job.Status));
        Assert.NotNull(job.PublishedAt);
        Assert.True(await api.StreamHasJobAsync(job), "The index job was not published.");
    }

    [Fact]
    public async Task The_openapi_document_says_an_edit_answers_202_with_the_index_status()
    {
        using var client = api.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        var responses = document["paths"]!["/api/videos/{id}/transcript"]!["patch"]!["responses"]!.AsObject();
        Assert.True(responses.ContainsKey("202"), $"responses: {string.Join(", ", responses.Select(r => r.Key))}");
        Assert.False(responses.ContainsKey("200"));
        var reference = responses["202"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var schema = document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        Assert.Contains("index_status", schema["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Another_users_video_is_not_found_and_nothing_changes()
    {
        var owner = await api.SignInNewUserAsync();
        var other = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(owner.Id);
        var before = await FingerprintAsync(video.Id);

        var response = await other.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 0, text = "Taken over." } } }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await FingerprintAsync(video.Id));
        await (await other.Client.PatchAsJsonAsync("/api/videos/999999/transcript/", new { segments = Array.Empty<object>() }, Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{}""", "segments" },
        { """{"segments": []}""", "segments" },
        { """{"segments": [{"index": 0, "text": "   "}]}""", "segments[0].text" },
        { """{"segments": [{"index": 0}]}""", "segments[0].text" },
        { """{"segments": [{"text": "No index."}]}""", "segments[0].index" },
        { """{"segments": [{"index": -1, "text": "Negative."}]}""", "segments[0].index" },
        { """{"segments": [null]}""", "segments[0]" },
        { """{"segments": [{"index": 0, "text": "One."}, {"index": 0, "text": "Two."}]}""", "segments" },
        { $$"""{"segments": [{"index": 0, "text": "{{new string('a', TranscriptEditApiFactory.MaxSegmentLength + 1)}}"}]}""", "segments[0].text" },
        { """{"segments": [{"index": 0, "text": "a"}, {"index": 1, "text": "b"}, {"index": 2, "text": "c"}, {"index": 3, "text": "d"}]}""", "segments" },
        { """{"segments": [{"index": 1, "text": "Fine."}, {"index": 7, "text": "No such segment."}]}""", "segments" },
        { """{"segments": [{"index": "one", "text": "Not a number."}]}""", "segments[0].index" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_field_and_nothing_changes(string body, string field)
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        var before = await FingerprintAsync(video.Id);

        var response = await user.Client.PatchAsync($"/api/videos/{video.Id}/transcript/", Accounts.RawJson(body), Ct);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, await FingerprintAsync(video.Id));
    }

    [Fact]
    public async Task An_unknown_index_is_named_in_the_answer()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);

        var response = await user.Client.PatchAsync($"/api/videos/{video.Id}/transcript/",
            Accounts.RawJson("""{"segments": [{"index": 9, "text": "x"}, {"index": 1, "text": "y"}, {"index": 3, "text": "z"}]}"""), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The transcript has no segment with index 3, 9.", problem["errors"]!["segments"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData(VideoStatus.Pending)]
    [InlineData(VideoStatus.Processing)]
    [InlineData(VideoStatus.Error)]
    public async Task A_video_that_is_not_completed_answers_409_saying_the_transcript_is_not_ready(VideoStatus status)
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id, status);
        var before = await FingerprintAsync(video.Id);

        var response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 0, text = "Too early." } } }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("The transcript is not ready.", problem["title"]!.GetValue<string>());
        Assert.Equal(before, await FingerprintAsync(video.Id));
    }

    /// <summary>A video with three 10-second English segments and their (old) scene.</summary>
    private async Task<Video> InsertTranscribedVideoAsync(int ownerId, VideoStatus status = VideoStatus.Completed)
    {
        var video = await api.InsertVideoAsync(ownerId, v =>
        {
            (v.Status, v.ProgressStage, v.ProgressPercent) = status == VideoStatus.Completed ? (status, "completed", 100) : (status, "transcribe", 40);
            v.Language = "en";
            v.TranscriptText = string.Join(' ', s_texts);
            v.UpdatedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        });
        await using var db = api.OpenDb();
        db.TranscriptSegments.AddRange(s_texts.Select((text, i) => new TranscriptSegment
        {
            VideoId = video.Id,
            Index = i,
            Start = i * 10,
            End = i * 10 + 10,
            Text = text,
        }));
        db.Scenes.Add(new Scene { VideoId = video.Id, Index = 0, Start = 0, End = 30, Text = string.Join(' ', s_texts), Language = "en" });
        await db.SaveChangesAsync(Ct);
        return await db.Videos.AsNoTracking().SingleAsync(v => v.Id == video.Id, Ct);
    }

    /// <summary>The video's text, time, progress, segments, scenes and jobs, as one comparable string.</summary>
    private async Task<string> FingerprintAsync(int videoId)
    {
        await using var db = api.OpenDb();
        var video = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == videoId, Ct);
        var jobs = await db.Jobs.CountAsync(j => j.VideoId == videoId, Ct);
        var segments = await db.TranscriptSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.Index)
            .Select(s => $"{s.Index}|{s.Start}|{s.End}|{s.Text}").ToListAsync(Ct);
        var scenes = (await db.ScenesAsync(videoId)).Select(s => $"{s.Id}|{s.Text}|{s.EmbeddingModel}");
        return string.Join("\n", [$"{video.TranscriptText}|{video.UpdatedAt:O}|{video.Status}|{video.ProgressStage}|{jobs}", .. segments, .. scenes]);
    }
}
