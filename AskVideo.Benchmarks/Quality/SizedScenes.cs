using AskVideo.Core.AI;
using AskVideo.Core.Search;
using Pgvector;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// <see cref="SceneIndexer.IndexAsync"/>'s steps with another scene size (the product fixes
/// SceneBuilder's limit at <see cref="SceneBuilder.DefaultMaxTokens"/>): split on TF-IDF vectors
/// without a model; with one, split on the segments' embeddings and embed each scene. Used only
/// to compare passage sizes; the product's own size goes through SceneIndexer itself.
/// </summary>
internal static class SizedScenes
{
    public static async Task<IReadOnlyList<Scene>> IndexAsync(
        SceneEmbedder embedder, int videoId, IReadOnlyList<TimedText> segments, string language, int maxTokens,
        CancellationToken cancellationToken)
    {
        if (!embedder.IsEnabled)
        {
            return [.. SceneBuilder.Build(segments, maxTokens).Select((part, i) => ToScene(videoId, i, part, language, null, null))];
        }
        var spoken = segments.Where(s => SceneBuilder.CountTokens(s.Text) > 0).ToList();
        IReadOnlyList<TimedText> parts;
        if (spoken.Sum(s => SceneBuilder.CountTokens(s.Text)) <= maxTokens)
        {
            parts = SceneBuilder.Build(spoken, maxTokens);
        }
        else
        {
            var vectors = await embedder.EmbedAsync([.. spoken.Select(s => s.Text)], cancellationToken);
            parts = SceneBuilder.Build(spoken, [.. vectors.Select(v => v.Memory)], maxTokens);
        }
        var embeddings = parts.Count > 0 ? await embedder.EmbedAsync([.. parts.Select(p => p.Text)], cancellationToken) : [];
        return [.. parts.Select((part, i) => ToScene(videoId, i, part, language, embeddings[i], embedder.Model))];
    }

    private static Scene ToScene(int videoId, int index, TimedText part, string language, Vector? embedding, string? model) => new()
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
