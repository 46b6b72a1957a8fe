using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Search;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

/// <summary>The Api with an embedding model on the fake server, and small edit limits.</summary>
public sealed class TranscriptEditApiFactory(TestServices services) : ApiFactory(services)
{
    public const string EmbeddingModel = "fake-embed-edit";
    public const int MaxSegments = 3;
    public const int MaxSegmentLength = 200;

    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: EmbeddingModel),
        ["TranscriptEdits:MaxSegments"] = MaxSegments.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TranscriptEdits:MaxSegmentLength"] = MaxSegmentLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override async ValueTask InitializeAsync()
    {
        // The server must be up before the Api reads its settings.
        OpenAi = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}

/// <summary>PATCH /api/videos/{id}/transcript/: edited segment texts are stored and the transcript re-indexed.</summary>
public sealed class TranscriptEditTests(TranscriptEditApiFactory api) : IClassFixture<TranscriptEditApiFactory>, IDisposable
{
    private static readonly string[] s_texts = ["The cat sat on the mat.", "Dogs were barking all night.", "Morning came slowly."];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => api.OpenAi.Embeddings.Reset();

    [Fact]
    public async Task An_edit_stores_the_new_text_and_reindexes_so_search_finds_the_new_words_and_not_the_old()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);

        var response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "  Parrots were whistling all night.  " } } }, Ct);

        var body = await response.AssertStatus(HttpStatusCode.OK).JsonAsync();
        var get = await (await user.Client.GetAsync($"/api/videos/{video.Id}/transcript/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(get.ToJsonString(), body.ToJsonString());
        Assert.Equal("The cat sat on the mat. Parrots were whistling all night. Morning came slowly.", body["text"]!.GetValue<string>());
        Assert.Equal("Parrots were whistling all night.", body["segments"]![1]!["text"]!.GetValue<string>());
        Assert.Equal(10.0, body["segments"]![1]!["start"]!.GetValue<double>());

        await using var db = api.OpenDb();
        var stored = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == video.Id, Ct);
        Assert.True(stored.UpdatedAt > video.UpdatedAt);
        Assert.Equal(1, await db.CountMatchesAsync(video.Id, "english", "parrot & whistl"));
        Assert.Equal(0, await db.CountMatchesAsync(video.Id, "english", "bark"));
        var scene = Assert.Single(await db.ScenesAsync(video.Id));
        Assert.Equal("The cat sat on the mat. Parrots were whistling all night. Morning came slowly.", scene.Text);
        Assert.Equal((0.0, 30.0, "en"), (scene.Start, scene.End, scene.Language));
        Assert.Equal(TranscriptEditApiFactory.EmbeddingModel, scene.EmbeddingModel);
        Assert.True(IndexingSteps.SimilarityToFake(scene.Embedding!, scene.Text) > 0.999, "The new text was embedded.");
    }

    [Fact]
    public async Task When_the_embedding_service_fails_the_edit_is_still_stored_with_scenes_left_for_the_refresher()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        api.OpenAi.Embeddings.FailNext(401, times: -1);

        var response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 0, text = "The parrot sat on the perch." } } }, Ct);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.NotEmpty(api.OpenAi.Embeddings.Requests);
        await using var db = api.OpenDb();
        Assert.Equal("The parrot sat on the perch.", (await db.TranscriptSegments.SingleAsync(s => s.VideoId == video.Id && s.Index == 0, Ct)).Text);
        var scene = Assert.Single(await db.ScenesAsync(video.Id));
        Assert.StartsWith("The parrot sat on the perch.", scene.Text, StringComparison.Ordinal);
        Assert.Null(scene.Embedding);
        Assert.Null(scene.EmbeddingModel);
        Assert.Equal(1, await db.CountMatchesAsync(video.Id, "english", "parrot"));
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
            v.Status = status;
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

    /// <summary>The video's text, time, segments and scenes, as one comparable string.</summary>
    private async Task<string> FingerprintAsync(int videoId)
    {
        await using var db = api.OpenDb();
        var video = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == videoId, Ct);
        var segments = await db.TranscriptSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.Index)
            .Select(s => $"{s.Index}|{s.Start}|{s.End}|{s.Text}").ToListAsync(Ct);
        var scenes = (await db.ScenesAsync(videoId)).Select(s => $"{s.Id}|{s.Text}|{s.EmbeddingModel}");
        return string.Join("\n", [$"{video.TranscriptText}|{video.UpdatedAt:O}|{video.Status}", .. segments, .. scenes]);
    }
}
