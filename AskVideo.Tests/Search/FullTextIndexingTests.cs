using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Search;

/// <summary>The worker indexes transcripts for full-text search in the transcript's language, without an embedding model.</summary>
public sealed class FullTextIndexingTests(IndexingTestbed bed) : IClassFixture<IndexingTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        bed.OpenAi.Transcriptions.Reset();
        bed.OpenAi.Embeddings.Reset();
    }

    [Fact]
    public async Task An_english_transcript_is_indexed_with_the_english_configuration_so_words_are_stemmed()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", "The runners were running along the river.", "Then everybody rested.");
        await using var worker = bed.StartWorker(embeddingModel: null);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        await using var db = bed.OpenDb();
        var scene = Assert.Single(await db.ScenesAsync(queued.VideoId));
        Assert.Equal("The runners were running along the river. Then everybody rested.", scene.Text);
        Assert.Equal("en", scene.Language);
        Assert.Null(scene.SearchText);
        Assert.Null(scene.Embedding);
        Assert.Null(scene.EmbeddingModel);
        var vector = await db.SearchVectorAsync(scene.Id);
        Assert.Contains("'run'", vector, StringComparison.Ordinal);
        Assert.DoesNotContain("'running'", vector, StringComparison.Ordinal);
        Assert.DoesNotContain("'the'", vector, StringComparison.Ordinal); // an English stop word
        Assert.Equal(1, await db.CountMatchesAsync(queued.VideoId, "english", "run & rest"));
        Assert.Equal(0, await db.CountMatchesAsync(queued.VideoId, "english", "swim"));
    }

    [Fact]
    public async Task A_transcript_in_a_language_without_a_configuration_is_indexed_with_simple()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("klingon", "The runners were running along the river.");
        await using var worker = bed.StartWorker(embeddingModel: null);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        await using var db = bed.OpenDb();
        var scene = Assert.Single(await db.ScenesAsync(queued.VideoId));
        Assert.Equal("klingon", scene.Language);
        var vector = await db.SearchVectorAsync(scene.Id);
        Assert.Contains("'running'", vector, StringComparison.Ordinal);
        Assert.Contains("'the'", vector, StringComparison.Ordinal);
        Assert.DoesNotContain("'run'", vector, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_japanese_transcript_is_indexed_as_character_bigrams_so_a_japanese_question_matches_it()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("japanese", "東京タワーは赤くて高い電波塔です。", "富士山は日本で一番高い山です。");
        await using var worker = bed.StartWorker(embeddingModel: null);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal("ja", video.Language);
        await using var db = bed.OpenDb();
        var scene = Assert.Single(await db.ScenesAsync(queued.VideoId));
        Assert.Equal("ja", scene.Language);
        Assert.NotNull(scene.SearchText);
        Assert.Contains("タワ", scene.SearchText, StringComparison.Ordinal);
        Assert.Equal(1, await db.CountMatchesAsync(queued.VideoId, "simple", IndexingSteps.AllTerms("東京タワー")));
        Assert.Equal(1, await db.CountMatchesAsync(queued.VideoId, "simple", IndexingSteps.AllTerms("富士山")));
        Assert.Equal(0, await db.CountMatchesAsync(queued.VideoId, "simple", IndexingSteps.AllTerms("大阪城")));
        // The sentence itself, as PostgreSQL's parser would take it, is not a term of the index.
        Assert.Equal(0, await db.CountMatchesAsync(queued.VideoId, "simple", "東京タワーは赤くて高い電波塔です"));
    }

    [Fact]
    public async Task A_job_that_runs_twice_leaves_one_set_of_scenes()
    {
        bed.OpenAi.Transcriptions.AnswerWithSegments("english", "Only one copy of this passage may remain.");
        await using var worker = bed.StartWorker(embeddingModel: null);

        var queued = await bed.QueueAsync(await bed.Media.TimeCodedToneAsync(60, Ct));
        await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);
        await using (var db = bed.OpenDb())
        {
            // Run the same job again, as a redelivered entry after a crash would: pending and due now,
            // as a released job is (a pending job after an attempt is otherwise waiting out a backoff).
            await db.Jobs.Where(j => j.Id == queued.JobId).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, JobStatus.Pending)
                .SetProperty(j => j.NotBefore, DateTimeOffset.UtcNow), Ct);
        }
        Assert.True(await bed.PublishAsync(queued.JobId));
        await bed.WaitForJobAsync(queued.JobId, j => j.Status == JobStatus.Succeeded && j.Attempts == 2, s_timeout);

        await using var check = bed.OpenDb();
        var scene = Assert.Single(await check.ScenesAsync(queued.VideoId));
        Assert.Equal("Only one copy of this passage may remain.", scene.Text);
    }
}
