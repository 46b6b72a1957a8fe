using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Tests.Chat;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Search;
using AskVideo.Tests.Worker;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

/// <summary>
/// The Api (full-text retrieval only, so a question whose words are gone finds nothing) and, started
/// by each test when it wants one, a real Worker with an embedding model on the fake server.
/// </summary>
public sealed class ReindexApiFactory(TestServices services) : ApiFactory(services)
{
    public const string EmbeddingModel = "fake-embed-reindex";
    public const int MaxAttempts = 2;

    public FakeOpenAiServer OpenAi { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Worker:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override async ValueTask InitializeAsync()
    {
        OpenAi = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    public InProcessWorker StartWorker() => WorkerHost.StartInProcess(Servers, new WorkerSettings(DatabaseConnectionString, MediaRoot)
    {
        Transcription = OpenAi.ConnectionString(),
        Extra = new Dictionary<string, string?>
        {
            ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: EmbeddingModel),
            ["Embeddings:RefreshInterval"] = "00:00:00.200",
            ["Worker:Concurrency"] = "2",
        },
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}

/// <summary>
/// A transcript edit queues an index job; the Worker builds and embeds the new scenes, and until it
/// has, the video stays completed and answers from its old ones.
/// </summary>
public sealed class TranscriptReindexTests(ReindexApiFactory api) : IClassFixture<ReindexApiFactory>, IDisposable
{
    private static readonly string[] s_texts =
        ["The cat sat on the mat by the door.", "Dogs were barking all night in the yard.", "Morning came slowly over the hills."];
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        api.OpenAi.Embeddings.Reset();
        api.OpenAi.Transcriptions.Reset();
    }

    [Fact]
    public async Task An_edit_is_indexed_by_the_worker_and_chat_finds_the_new_words_and_no_longer_the_old()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        var group = await user.Client.CreateGroupOkAsync("Nights");
        await user.Client.AddVideosOkAsync(group, video.Id);

        var edit = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "Parrots were whistling all night in the aviary." } } }, Ct);

        Assert.Equal("pending", (await edit.AssertStatus(HttpStatusCode.Accepted).JsonAsync())["index_status"]!.GetValue<string>());
        // No worker yet: the video is still answered from its old scenes.
        Assert.Contains("barking", await FirstQuoteAsync(user.Client, group, video.Id, "Why were the dogs barking?"), StringComparison.Ordinal);
        using var response = await user.Client.GetAsync($"/api/videos/{video.Id}/events/", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var events = SseParser.Create(await response.AssertStatus(HttpStatusCode.OK).Content.ReadAsStreamAsync(Ct))
            .EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
        Assert.Equal(("completed", "index", 0), Read(await NextAsync(events)));

        await using (var worker = api.StartWorker())
        {
            // The stream follows the re-index and ends once the new scenes are stored.
            var seen = new List<(string Status, string Stage, int Percent)>();
            while (await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct))
            {
                seen.Add(Read(events.Current));
            }
            Assert.Equal(("completed", "completed", 100), seen[^1]);
            Assert.All(seen, e => Assert.Equal("completed", e.Status));
            Assert.All(seen[..^1], e => Assert.Equal("index", e.Stage));
        }

        var job = Assert.Single(await IndexJobsAsync(video.Id));
        Assert.Equal((JobKind.Index, JobStatus.Succeeded, 1), (job.Kind, job.Status, job.Attempts));
        Assert.Contains("whistling", await FirstQuoteAsync(user.Client, group, video.Id, "What were the parrots whistling in the aviary?"),
            StringComparison.Ordinal);
        Assert.Null(await FirstQuoteAsync(user.Client, group, video.Id, "Why were the dogs barking?"));
        await using var db = api.OpenDb();
        var scene = Assert.Single(await db.ScenesAsync(video.Id));
        Assert.Equal("The cat sat on the mat by the door. Parrots were whistling all night in the aviary. Morning came slowly over the hills.", scene.Text);
        Assert.Equal((0.0, 30.0, "en"), (scene.Start, scene.End, scene.Language));
        Assert.Equal(ReindexApiFactory.EmbeddingModel, scene.EmbeddingModel);
        Assert.True(IndexingSteps.SimilarityToFake(scene.Embedding!, scene.Text) > 0.999, "The new text was embedded.");
    }

    [Fact]
    public async Task Of_two_quick_edits_of_an_uploaded_video_the_later_text_wins_even_when_the_first_job_finishes_last()
    {
        var user = await api.SignInNewUserAsync();
        api.OpenAi.Transcriptions.AnswerWithSegments("english", s_texts);
        await using var worker = api.StartWorker();
        var uploaded = await user.Client.UploadAndWaitAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct), "Nights");
        // The first edit's job is held inside its embedding request until the second edit's job has stored its scenes.
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.OpenAi.Embeddings.BeforeAnswer = async request =>
        {
            if (request.Inputs.Any(i => i.Contains("Parrots", StringComparison.Ordinal)))
            {
                firstArrived.TrySetResult();
                await releaseFirst.Task;
            }
        };

        (await user.Client.PatchAsJsonAsync($"/api/videos/{uploaded.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "Parrots were whistling all night." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        await firstArrived.Task.WaitAsync(s_timeout, Ct);
        (await user.Client.PatchAsJsonAsync($"/api/videos/{uploaded.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "Owls were hooting all night." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var jobs = await IndexJobsAsync(uploaded.Id);
        Assert.Equal(2, jobs.Count);
        await WaitForJobAsync(jobs[1].Id, JobStatus.Succeeded);
        var latest = await SceneTextAsync(uploaded.Id);
        // The latest text is indexed: the video is done, whatever the older job still does.
        Assert.Equal("completed", (await VideoAsync(uploaded.Id)).ProgressStage);
        releaseFirst.SetResult();
        await WaitForJobAsync(jobs[0].Id, JobStatus.Succeeded);

        var video = await VideoAsync(uploaded.Id);
        Assert.Equal((VideoStatus.Completed, "completed", 100), (video.Status, video.ProgressStage, video.ProgressPercent));
        Assert.Equal(latest, await SceneTextAsync(uploaded.Id));
        Assert.Contains("Owls were hooting all night.", latest, StringComparison.Ordinal);
        Assert.DoesNotContain("Parrots", latest, StringComparison.Ordinal);
        Assert.DoesNotContain("barking", latest, StringComparison.Ordinal);
        await using var db = api.OpenDb();
        Assert.All(await db.ScenesAsync(uploaded.Id), s => Assert.Equal(ReindexApiFactory.EmbeddingModel, s.EmbeddingModel));
        Assert.Equal(1, await db.CountMatchesAsync(uploaded.Id, "english", "owl & hoot"));
    }

    private async Task<string> SceneTextAsync(int videoId)
    {
        await using var db = api.OpenDb();
        return string.Join(' ', (await db.ScenesAsync(videoId)).Select(s => s.Text));
    }

    [Fact]
    public async Task An_index_job_that_runs_twice_leaves_one_set_of_scenes()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        await using var worker = api.StartWorker();
        (await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 2, text = "Evening fell quickly over the valley." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var job = Assert.Single(await IndexJobsAsync(video.Id));
        await WaitForJobAsync(job.Id, JobStatus.Succeeded);
        await using var before = api.OpenDb();
        var first = (await before.ScenesAsync(video.Id)).Select(s => (s.Index, s.Start, s.End, s.Text, s.EmbeddingModel)).ToList();

        // As if its result had been committed but the worker died before acknowledging: the relay hands it out again.
        await using (var db = api.OpenDb())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, JobStatus.Pending)
                .SetProperty(j => j.PublishedAt, (DateTimeOffset?)null)
                .SetProperty(j => j.NotBefore, DateTimeOffset.UtcNow), Ct);
        }
        await WaitForJobAsync(job.Id, JobStatus.Succeeded, attempts: 2);

        await using var after = api.OpenDb();
        var second = (await after.ScenesAsync(video.Id)).Select(s => (s.Index, s.Start, s.End, s.Text, s.EmbeddingModel)).ToList();
        Assert.Equal(first, second);
        Assert.Contains("Evening fell quickly", Assert.Single(second).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_embedding_service_keeps_failing_the_edit_is_searchable_at_once_and_embedded_once_it_is_back()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        api.OpenAi.Embeddings.FailNext(503, times: -1);
        await using var worker = api.StartWorker();

        (await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 0, text = "The parrot sat on the perch by the door." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);

        var job = Assert.Single(await IndexJobsAsync(video.Id));
        await WaitForJobAsync(job.Id, JobStatus.Succeeded, attempts: ReindexApiFactory.MaxAttempts);
        var done = await VideoAsync(video.Id);
        Assert.Equal((VideoStatus.Completed, "completed", (string?)null), (done.Status, done.ProgressStage, done.ErrorMessage));
        await using (var db = api.OpenDb())
        {
            var scene = Assert.Single(await db.ScenesAsync(video.Id));
            Assert.StartsWith("The parrot sat on the perch", scene.Text, StringComparison.Ordinal);
            Assert.Null(scene.EmbeddingModel);
            Assert.Equal(1, await db.CountMatchesAsync(video.Id, "english", "parrot & perch"));
        }

        api.OpenAi.Embeddings.FailNext(503, times: 0);
        await IndexingSteps.EventuallyAsync(async () =>
        {
            await using var db = api.OpenDb();
            return Assert.Single(await db.ScenesAsync(video.Id)).EmbeddingModel == ReindexApiFactory.EmbeddingModel;
        });
        await using var check = api.OpenDb();
        var embedded = Assert.Single(await check.ScenesAsync(video.Id));
        Assert.True(IndexingSteps.SimilarityToFake(embedded.Embedding!, embedded.Text) > 0.999);
    }

    [Fact]
    public async Task An_index_job_that_gives_up_leaves_the_video_completed_and_answerable_from_its_old_scenes_saying_so()
    {
        var user = await api.SignInNewUserAsync();
        var video = await InsertTranscribedVideoAsync(user.Id);
        var group = await user.Client.CreateGroupOkAsync("Nights");
        await user.Client.AddVideosOkAsync(group, video.Id);
        (await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "Parrots were whistling all night in the aviary." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var job = Assert.Single(await IndexJobsAsync(video.Id));
        // As if every earlier attempt had died with its worker: the next one is past the limit. Due
        // now, as after a lapsed lease (a pending job after an attempt otherwise waits out a backoff).
        await using (var db = api.OpenDb())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Attempts, job.MaxAttempts)
                .SetProperty(j => j.NotBefore, DateTimeOffset.UtcNow), Ct);
        }

        await using (var worker = api.StartWorker())
        {
            await WaitForJobAsync(job.Id, JobStatus.Failed, attempts: job.MaxAttempts + 1);
        }

        var detail = await (await user.Client.GetAsync($"/api/videos/{video.Id}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(("completed", "index_failed"), (detail["status"]!.GetValue<string>(), detail["progress"]!["stage"]!.GetValue<string>()));
        Assert.Equal(VideoStages.IndexFailedMessage, detail["error_message"]!.GetValue<string>());
        Assert.Equal("Parrots were whistling all night in the aviary.", detail["transcript"]!["segments"]![1]!["text"]!.GetValue<string>());
        Assert.Contains("barking", await FirstQuoteAsync(user.Client, group, video.Id, "Why were the dogs barking?"), StringComparison.Ordinal);
        // Its events end at once: nothing more happens until the next edit.
        var events = await (await user.Client.GetAsync($"/api/videos/{video.Id}/events/", Ct)).AssertStatus(HttpStatusCode.OK).Content.ReadAsStringAsync(Ct);
        Assert.Equal(("completed", "index_failed", 100),
            Read(Assert.Single(SseParser.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(events))).Enumerate())));
    }

    [Fact]
    public async Task A_video_transcribed_again_before_its_index_job_runs_keeps_the_new_transcripts_scenes()
    {
        var user = await api.SignInNewUserAsync();
        api.OpenAi.Transcriptions.AnswerWithSegments("english", s_texts);
        await using var worker = api.StartWorker();
        var uploaded = await user.Client.UploadAndWaitAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct), "Nights");
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.OpenAi.Embeddings.BeforeAnswer = async request =>
        {
            if (request.Inputs.Any(i => i.Contains("Parrots", StringComparison.Ordinal)))
            {
                arrived.TrySetResult();
                await release.Task;
            }
        };
        (await user.Client.PatchAsJsonAsync($"/api/videos/{uploaded.Id}/transcript/",
            new { segments = new[] { new { index = 1, text = "Parrots were whistling all night." } } }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        await arrived.Task.WaitAsync(s_timeout, Ct);

        api.OpenAi.Transcriptions.AnswerWithSegments("english", "Bees were humming in the garden.", "Rain fell on the roof.");
        (await user.Client.PostAsync($"/api/videos/{uploaded.Id}/retranscribe/", null, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var transcribed = await WorkerTestbed.WaitForAsync(() => VideoAsync(uploaded.Id), v => v.Status == VideoStatus.Completed, s_timeout, "video");
        Assert.Equal("completed", transcribed.ProgressStage);
        release.SetResult();
        await WaitForJobAsync(Assert.Single(await IndexJobsAsync(uploaded.Id)).Id, JobStatus.Succeeded);

        Assert.Equal("Bees were humming in the garden. Rain fell on the roof.", await SceneTextAsync(uploaded.Id));
        Assert.Equal(VideoStatus.Completed, (await VideoAsync(uploaded.Id)).Status);
    }

    /// <summary>The quote of the first citation of <paramref name="videoId"/>, or null when the answer cites it nowhere.</summary>
    private static async Task<string?> FirstQuoteAsync(HttpClient client, int groupId, int videoId, string question)
    {
        var answer = await (await client.AskAsync(groupId, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        return answer["citations"]!.AsArray().FirstOrDefault(c => c!["video_id"]!.GetValue<int>() == videoId)?["quote"]!.GetValue<string>();
    }

    private static (string Status, string Stage, int Percent) Read(SseItem<string> item)
    {
        Assert.Equal("status", item.EventType);
        var data = JsonNode.Parse(item.Data)!;
        return (data["status"]!.GetValue<string>(), data["progress"]!["stage"]!.GetValue<string>(), data["progress"]!["percent"]!.GetValue<int>());
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct), "The stream ended early.");
        return events.Current;
    }

    private async Task<List<Job>> IndexJobsAsync(int videoId)
    {
        await using var db = api.OpenDb();
        return await db.Jobs.AsNoTracking().Where(j => j.VideoId == videoId && j.Kind == JobKind.Index).OrderBy(j => j.Id).ToListAsync(Ct);
    }

    private Task<Job> WaitForJobAsync(long jobId, JobStatus status, int attempts = 1) =>
        WorkerTestbed.WaitForAsync(async () =>
        {
            await using var db = api.OpenDb();
            return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId, Ct);
        }, j => j.Status == status && j.Attempts == attempts, s_timeout, $"job {jobId}", j => $"status {j?.Status}, attempts {j?.Attempts}, error {j?.LastError}");

    private async Task<Video> VideoAsync(int videoId)
    {
        await using var db = api.OpenDb();
        return await db.Videos.AsNoTracking().SingleAsync(v => v.Id == videoId, Ct);
    }

    /// <summary>A completed video with three 10-second English segments and their (old) scene, as the Worker leaves it.</summary>
    private async Task<Video> InsertTranscribedVideoAsync(int ownerId)
    {
        var video = await api.InsertVideoAsync(ownerId, v =>
        {
            (v.Status, v.ProgressStage, v.ProgressPercent) = (VideoStatus.Completed, "completed", 100);
            v.Language = "en";
            v.TranscriptText = string.Join(' ', s_texts);
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
        return video;
    }
}
