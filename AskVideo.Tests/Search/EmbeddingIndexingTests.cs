using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Tests.Worker;
using AskVideo.Worker.Indexing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AskVideo.Tests.Search;

/// <summary>The worker with an embedding model: scenes split on embeddings and stored with them, and re-embedded when the model changes.</summary>
public sealed class EmbeddingIndexingTests(IndexingTestbed bed) : IClassFixture<IndexingTestbed>, IDisposable
{
    private const string ModelA = "fake-embed-a";
    private const string ModelB = "fake-embed-b";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static readonly string[] s_cooking = [.. Enumerable.Range(0, 6).Select(i => Sentence(i,
        "stir", "onions", "garlic", "butter", "pan", "sauce", "simmer", "pepper", "salt", "oven", "bake", "flour", "dough", "knead", "recipe"))];
    private static readonly string[] s_space = [.. Enumerable.Range(0, 6).Select(i => Sentence(i,
        "rocket", "orbit", "launch", "planet", "telescope", "galaxy", "star", "comet", "moon", "astronaut", "gravity", "nebula", "probe", "mars", "satellite"))];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        bed.OpenAi.Transcriptions.Reset();
        bed.OpenAi.Embeddings.Reset();
    }

    [Fact]
    public async Task With_an_embedding_model_the_worker_splits_on_segment_embeddings_and_stores_1536_dimension_scene_embeddings_with_the_model_name()
    {
        // 12 segments of 50 words: over the 512-token limit, so the transcript is split once, between the topics.
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", [.. s_cooking, .. s_space]);
        await using var worker = bed.StartWorker(ModelA);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var requests = bed.OpenAi.Embeddings.Requests;
        Assert.All(requests, r => Assert.Equal((ModelA, (int?)Scene.EmbeddingDimensions), (r.Model, r.Dimensions)));
        Assert.Contains(requests, r => r.Inputs.SequenceEqual([.. s_cooking, .. s_space]));

        await using var db = bed.OpenDb();
        var scenes = await db.ScenesAsync(queued.VideoId);
        Assert.Equal(2, scenes.Count);
        Assert.Equal(string.Join(' ', s_cooking), scenes[0].Text);
        Assert.Equal(string.Join(' ', s_space), scenes[1].Text);
        Assert.Contains(requests, r => r.Inputs.SequenceEqual(scenes.Select(s => s.Text)));
        Assert.All(scenes, scene =>
        {
            Assert.Equal(ModelA, scene.EmbeddingModel);
            Assert.Equal(Scene.EmbeddingDimensions, scene.Embedding!.ToArray().Length);
            Assert.True(IndexingSteps.SimilarityToFake(scene.Embedding, scene.Text) > 0.999, "The scene's own text was embedded.");
            Assert.Equal("en", scene.Language);
        });
    }

    [Fact]
    public async Task A_model_that_reads_no_japanese_is_not_asked_to_split_a_japanese_video_which_is_split_by_its_words_and_still_embedded()
    {
        // 12 segments of 50 characters: over the 512-token limit (a character is a token), two topics.
        string[] cooking = [.. Enumerable.Range(0, 6).Select(i => Sentence(i, "玉", "葱", "鍋", "炒", "煮", "塩", "砂", "糖", "味", "噌").Replace(" ", ""))];
        string[] space = [.. Enumerable.Range(0, 6).Select(i => Sentence(i, "星", "宇", "宙", "月", "惑", "銀", "河", "彗", "軌", "道").Replace(" ", ""))];
        bed.OpenAi.Transcriptions.AnswerWithSegments("japanese", [.. cooking, .. space]);
        await using var worker = bed.StartWorker(ModelA, multilingual: false);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        var requests = bed.OpenAi.Embeddings.Requests;
        Assert.DoesNotContain(requests, r => r.Inputs.Intersect([.. cooking, .. space]).Any());
        await using var db = bed.OpenDb();
        var scenes = await db.ScenesAsync(queued.VideoId);
        Assert.Equal([string.Join(' ', cooking), string.Join(' ', space)], scenes.Select(s => s.Text));
        Assert.Contains(requests, r => r.Inputs.SequenceEqual(scenes.Select(s => s.Text)));
        Assert.All(scenes, scene => Assert.Equal((ModelA, "ja"), (scene.EmbeddingModel, scene.Language)));
        // Its moments are chosen by words alone.
        Assert.Empty(await db.Set<SceneSegmentEmbedding>().Where(e => scenes.Select(x => x.Id).Contains(e.SceneId)).ToListAsync(Ct));
    }

    [Fact]
    public async Task Each_scene_keeps_one_embedding_per_segment_in_order_without_the_zeros_it_ends_with()
    {
        // A model that makes 384 dimensions whatever it is asked: scenes are padded to 1536, segments
        // are not, and lose the zeros they end with (the fake's vectors are sparse).
        bed.OpenAi.Embeddings.ForcedDimensions = 384;
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", [.. s_cooking, .. s_space]);
        await using var worker = bed.StartWorker(ModelA);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        await using var db = bed.OpenDb();
        var scenes = await db.ScenesAsync(queued.VideoId);
        Assert.Equal(2, scenes.Count);
        foreach (var scene in scenes)
        {
            var segments = System.Text.Json.JsonSerializer.Deserialize<List<SceneSegment>>(scene.Segments!)!;
            var embeddings = await db.Set<SceneSegmentEmbedding>().AsNoTracking()
                .Where(e => e.SceneId == scene.Id).OrderBy(e => e.Ordinal).ToListAsync(Ct);
            Assert.Equal(Scene.EmbeddingDimensions, scene.Embedding!.ToArray().Length);
            Assert.Equal(Enumerable.Range(0, segments.Count), embeddings.Select(e => e.Ordinal));
            Assert.All(embeddings.Zip(segments), pair =>
            {
                var vector = pair.First.Embedding.ToArray().Select(h => (float)h).ToArray();
                var expected = Fakes.FakeEmbeddings.Vector(pair.Second.Text, 384);
                Assert.InRange(vector.Length, 1, 384);
                Assert.NotEqual(0, vector[^1]);
                Assert.All(expected[vector.Length..], v => Assert.Equal(0, v));
                Assert.True(vector.Zip(expected, (a, b) => a * b).Sum() > 0.99, $"segment {pair.First.Ordinal} holds the embedding of its own text");
            });
        }
    }

    [Fact]
    public async Task An_embedding_service_that_rejects_the_key_fails_the_job_with_a_message_saying_so()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", "A sentence that never gets indexed.");
        bed.OpenAi.Embeddings.RequiredKey = "a-key-the-worker-does-not-have";
        await using var worker = bed.StartWorker(ModelA);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.Equal("The embedding service rejected the API key.", video.ErrorMessage);
        var job = await bed.JobAsync(queued.JobId);
        Assert.Equal((JobStatus.Failed, 1), (job.Status, job.Attempts));
        // One request for this transcript, never retried (the refresher may also be asking about other tests' scenes).
        Assert.Single(bed.OpenAi.Embeddings.Requests, r => r.Inputs.Contains("A sentence that never gets indexed."));
        await using var db = bed.OpenDb();
        Assert.Empty(await db.ScenesAsync(queued.VideoId));
    }

    [Fact]
    public async Task An_embedding_service_that_keeps_failing_is_retried_then_the_video_ends_in_error_saying_so()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", "A sentence that never gets indexed.");
        bed.OpenAi.Embeddings.FailNext(503, times: -1);
        await using var worker = bed.StartWorker(ModelA);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct), maxAttempts: 2);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Error, video.Status);
        Assert.StartsWith("The embedding service failed (HTTP 503). Try again later.", video.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, (await bed.JobAsync(queued.JobId)).Attempts);
    }

    [Fact]
    public async Task Changing_the_embedding_model_makes_the_refresher_embed_every_scene_again_and_fill_in_missing_embeddings()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", [.. s_cooking, .. s_space]);
        QueuedVideo queued;
        await using (var first = bed.StartWorker(ModelA))
        {
            queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
            await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        }
        // A scene stored without an embedding, as an index job does while the service is down.
        var unembedded = await InsertUnembeddedSceneAsync("A passage stored while the embedding service was down.");
        bed.OpenAi.Embeddings.Reset();

        await using var second = bed.StartWorker(ModelB);
        await IndexingSteps.EventuallyAsync(async () =>
        {
            await using var db = bed.OpenDb();
            return (await db.ScenesAsync(queued.VideoId)).Concat(await db.ScenesAsync(unembedded)).All(s => s.EmbeddingModel == ModelB);
        });

        await using var check = bed.OpenDb();
        var scenes = (await check.ScenesAsync(queued.VideoId)).Concat(await check.ScenesAsync(unembedded)).ToList();
        Assert.Equal(3, scenes.Count);
        var sent = bed.OpenAi.Embeddings.Requests.Where(r => r.Model == ModelB).SelectMany(r => r.Inputs).ToHashSet();
        Assert.All(scenes, scene =>
        {
            Assert.Contains(scene.Text, sent);
            Assert.True(IndexingSteps.SimilarityToFake(scene.Embedding!, scene.Text) > 0.999);
        });
        Assert.DoesNotContain(bed.OpenAi.Embeddings.Requests, r => r.Model == ModelA);
    }

    [Fact]
    public async Task A_scene_the_service_refuses_does_not_stop_the_refresher_from_embedding_the_scenes_after_it()
    {
        var refused = await InsertUnembeddedSceneAsync("A passage far too long for the model. " + new string('x', 400));
        var later = await InsertUnembeddedSceneAsync("A passage the model takes.");
        bed.OpenAi.Embeddings.MaxInputChars = 300;
        try
        {
            await using var worker = bed.StartWorker(ModelB, batchSize: 1);

            await IndexingSteps.EventuallyAsync(async () =>
            {
                await using var db = bed.OpenDb();
                return Assert.Single(await db.ScenesAsync(later)).EmbeddingModel == ModelB;
            });
            await using var check = bed.OpenDb();
            Assert.Null(Assert.Single(await check.ScenesAsync(refused)).EmbeddingModel);
        }
        finally
        {
            bed.OpenAi.Embeddings.MaxInputChars = null;
        }
    }

    [Fact]
    public async Task Only_one_worker_sweeps_at_a_time()
    {
        await using var worker = bed.StartWorker(ModelB);
        var refresher = worker.Services.GetServices<IHostedService>().OfType<EmbeddingRefresher>().Single();
        int videoId;
        await using (var other = bed.DataSource.CreateConnection())
        {
            // Another replica holds the sweep (taken once the worker's own sweep, if any, is over).
            await other.OpenAsync(Ct);
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({EmbeddingRefresher.LockKey})", other))
            {
                await take.ExecuteScalarAsync(Ct);
            }
            videoId = await InsertUnembeddedSceneAsync("Waiting for the other replica.");

            Assert.Null(await refresher.RefreshAsync(Ct));
            await Task.Delay(TimeSpan.FromSeconds(1), Ct); // several of the worker's own intervals
            await using var db = bed.OpenDb();
            Assert.Null(Assert.Single(await db.ScenesAsync(videoId)).EmbeddingModel);
        }

        // The other replica is gone (its session ended): the next sweep embeds the scene.
        await IndexingSteps.EventuallyAsync(async () =>
        {
            await using var db = bed.OpenDb();
            return Assert.Single(await db.ScenesAsync(videoId)).EmbeddingModel == ModelB;
        });
    }

    /// <summary>A completed video with one segment and its scene, which has no embedding (and no job); returns the video's id.</summary>
    private async Task<int> InsertUnembeddedSceneAsync(string text)
    {
        await using var db = bed.OpenDb();
        var now = DateTimeOffset.UtcNow;
        var video = new Video
        {
            OwnerId = await db.Users.Select(u => u.Id).FirstAsync(Ct),
            Title = "Edited while the service was down",
            OriginalFileName = "edited.mp3",
            StorageKey = $"videos/{Guid.NewGuid():N}/original.mp3",
            ContentType = "audio/mpeg",
            Status = VideoStatus.Completed,
            Language = "en",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Videos.Add(video);
        await db.SaveChangesAsync(Ct);
        db.TranscriptSegments.Add(new TranscriptSegment { VideoId = video.Id, Index = 0, Start = 0, End = 5, Text = text });
        db.Scenes.Add(new Scene { VideoId = video.Id, Index = 0, Start = 0, End = 5, Text = text, Language = "en" });
        await db.SaveChangesAsync(Ct);
        return video.Id;
    }

    private static string Sentence(int seed, params string[] vocabulary) =>
        string.Join(' ', Enumerable.Range(0, 50).Select(i => vocabulary[(seed * 7 + i * 3) % vocabulary.Length]));
}
