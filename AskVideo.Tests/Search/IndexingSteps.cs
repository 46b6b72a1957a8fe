using AskVideo.Core.Data;
using AskVideo.Core.Search;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Worker;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Search;

/// <summary>A testbed whose tests start their own worker, with or without an embedding model.</summary>
public sealed class IndexingTestbed(TestServices services) : WorkerTestbed(services)
{
    /// <summary>A worker on this testbed; <paramref name="embeddingModel"/> null runs it without embeddings.</summary>
    public InProcessWorker StartWorker(string? embeddingModel, int batchSize = 64, bool multilingual = true) => WorkerHost.StartInProcess(Services, WorkerSettings() with
    {
        Extra = new Dictionary<string, string?>
        {
            ["Embeddings:Multilingual"] = multilingual ? "true" : "false",
            ["ConnectionStrings:embeddings"] = embeddingModel is null ? null : OpenAi.ConnectionString(model: embeddingModel),
            ["Embeddings:RefreshInterval"] = "00:00:00.200",
            ["Embeddings:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The tests' transcripts are sized to split into scenes of this many tokens.
            ["Indexing:SceneMaxTokens"] = "512",
        },
    });
}

/// <summary>Transcripts made to order, and what the database holds about scenes.</summary>
public static class IndexingSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Answers every transcription with these segments, laid one after the other over the first minute.</summary>
    public static void AnswerWithSegments(this FakeTranscriptions transcriptions, string language, params string[] texts)
    {
        var step = 60.0 / texts.Length;
        var segments = texts.Select((text, i) => new FakeSegment(Math.Round(i * step, 2), Math.Round((i + 1) * step - 0.01, 2), text)).ToList();
        transcriptions.Answer = (_, _, _) => Task.FromResult(new FakeTranscription(language, 60, segments));
    }

    public static async Task<List<Scene>> ScenesAsync(this AppDbContext db, int videoId) =>
        await db.Scenes.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.Index).ToListAsync(Ct);

    /// <summary>The scene's full-text vector as PostgreSQL writes it, e.g. <c>'run':2 'fox':1</c>.</summary>
    public static async Task<string> SearchVectorAsync(this AppDbContext db, long sceneId) =>
        await db.Database.SqlQuery<string>($"""SELECT "SearchVector"::text AS "Value" FROM scenes WHERE "Id" = {sceneId}""").SingleAsync(Ct);

    /// <summary>How many of the video's scenes match <paramref name="tsquery"/> under the given configuration.</summary>
    public static async Task<int> CountMatchesAsync(this AppDbContext db, int videoId, string configuration, string tsquery) =>
        await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM scenes
            WHERE "VideoId" = {videoId} AND "SearchVector" @@ to_tsquery({configuration}::regconfig, {tsquery})
            """).SingleAsync(Ct);

    /// <summary>The query retrieval makes of a question: its search text's terms, all required.</summary>
    public static string AllTerms(string question) =>
        string.Join(" & ", SearchText.ForQuery(question).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Polls until <paramref name="condition"/> holds, for at most 30 seconds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Cosine similarity of a stored embedding and the fake server's vector for <paramref name="text"/>.</summary>
    public static double SimilarityToFake(Pgvector.Vector stored, string text)
    {
        var a = stored.ToArray();
        var b = FakeEmbeddings.Vector(text, a.Length);
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
