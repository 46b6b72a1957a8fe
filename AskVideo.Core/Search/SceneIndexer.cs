using AskVideo.Core.AI;
using Pgvector;

namespace AskVideo.Core.Search;

/// <summary>
/// Turns a video's transcript segments into the scenes to store, shared by the Worker (after
/// transcription) and the Api (after a transcript edit). With an embedding model, the segments are
/// embedded and split on those vectors, then each scene's text is embedded for vector search;
/// without one, the split runs on TF-IDF vectors and scenes carry no embedding. Every scene gets
/// its language (which picks the full-text configuration) and, for CJK text, the bigram text that
/// the full-text vector is built from.
/// </summary>
/// <remarks>
/// <see cref="IndexAsync"/> calls the embedding service: call it before opening a transaction,
/// then store the returned scenes inside one.
/// </remarks>
public sealed class SceneIndexer(SceneEmbedder embedder)
{
    public bool EmbeddingsEnabled => embedder.IsEnabled;

    /// <summary>The scenes of <paramref name="segments"/>, embedded when a model is configured.</summary>
    /// <exception cref="Exception">Whatever the embedding service threw; nothing is half-done.</exception>
    public async Task<IReadOnlyList<Scene>> IndexAsync(
        int videoId, IReadOnlyList<TimedText> segments, string? language, CancellationToken cancellationToken)
    {
        if (!embedder.IsEnabled)
        {
            return Build(videoId, segments, language);
        }
        using var activity = Telemetry.Source.StartActivity("scenes.index");
        activity?.SetTag("askvideo.video_id", videoId);
        activity?.SetTag("askvideo.index.segments", segments.Count);
        var model = embedder.Model;
        activity?.SetTag("askvideo.index.embedding_model", model);

        var spoken = segments.Where(s => SceneBuilder.CountTokens(s.Text) > 0).ToList();
        IReadOnlyList<TimedText> parts;
        if (spoken.Sum(s => SceneBuilder.CountTokens(s.Text)) <= SceneBuilder.DefaultMaxTokens)
        {
            // One scene whatever the vectors say: the segments need not be embedded.
            parts = SceneBuilder.Build(spoken);
        }
        else
        {
            IReadOnlyList<Vector> vectors;
            using (Telemetry.Source.StartActivity("scenes.embed_segments"))
            {
                vectors = await embedder.EmbedAsync([.. spoken.Select(s => s.Text)], cancellationToken);
            }
            using (Telemetry.Source.StartActivity("scenes.split"))
            {
                parts = SceneBuilder.Build(spoken, [.. vectors.Select(v => v.Memory)]);
            }
        }

        IReadOnlyList<Vector> embeddings = [];
        if (parts.Count > 0)
        {
            using (Telemetry.Source.StartActivity("scenes.embed_scenes"))
            {
                embeddings = await embedder.EmbedAsync([.. parts.Select(p => p.Text)], cancellationToken);
            }
        }
        activity?.SetTag("askvideo.index.scenes", parts.Count);
        return [.. parts.Select((part, i) => ToScene(videoId, i, part, language, embeddings[i], model))];
    }

    /// <summary>
    /// The scenes split on TF-IDF vectors, without embeddings; no network call. What is stored when
    /// no model is configured, or when the embedding service fails and the scenes are embedded later.
    /// </summary>
    public static IReadOnlyList<Scene> Build(int videoId, IReadOnlyList<TimedText> segments, string? language)
    {
        using var activity = Telemetry.Source.StartActivity("scenes.split");
        activity?.SetTag("askvideo.video_id", videoId);
        var parts = SceneBuilder.Build(segments);
        activity?.SetTag("askvideo.index.scenes", parts.Count);
        return [.. parts.Select((part, i) => ToScene(videoId, i, part, language, null, null))];
    }

    private static Scene ToScene(int videoId, int index, TimedText part, string? language, Vector? embedding, string? model) => new()
    {
        VideoId = videoId,
        Index = index,
        Start = Math.Round(part.Start, 3),
        End = Math.Round(part.End, 3),
        Text = part.Text,
        Language = language,
        SearchText = SearchText.ForIndex(part.Text),
        Embedding = embedding,
        EmbeddingModel = embedding is null ? null : model,
    };
}
