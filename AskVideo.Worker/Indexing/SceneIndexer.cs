using AskVideo.Core.AI;
using AskVideo.Core.Search;
using AskVideo.ServiceDefaults;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pgvector;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// Turns a video's transcript segments into the scenes to store: the one place that builds and
/// embeds scenes, for the pipeline's index stage, for index jobs (after a transcript edit) and for
/// the embedding refresher. With an embedding model that reads the video's language, the segments
/// are embedded and split on those vectors, which each scene keeps (<see cref="Scene.SegmentEmbeddings"/>)
/// to choose moments by meaning, then each scene's text is embedded for vector search. With a
/// model that does not read the language, the split runs on TF-IDF vectors and only the scenes are
/// embedded; without a model, scenes carry no embedding. Every scene gets
/// its language (which picks the full-text configuration) and, for CJK text, the bigram text that
/// the full-text vector is built from.
/// </summary>
/// <remarks>
/// <see cref="IndexAsync"/> calls the embedding service: call it before opening a transaction,
/// then store the returned scenes inside one.
/// </remarks>
public sealed class SceneIndexer(SceneEmbedder embedder, IOptions<IndexingOptions> options)
{
    private int MaxTokens => options.Value.SceneMaxTokens;

    /// <summary>Segments read to tell the video's script (whether the model reads it).</summary>
    private const int ReadSample = 20;

    /// <summary>The scenes of <paramref name="segments"/>, embedded when a model is configured.</summary>
    /// <exception cref="Exception">Whatever the embedding service threw; nothing is half-done.</exception>
    public async Task<IReadOnlyList<Scene>> IndexAsync(
        int videoId, IReadOnlyList<TimedText> segments, string? language, CancellationToken cancellationToken)
    {
        if (!embedder.IsEnabled)
        {
            return Build(videoId, segments, language);
        }
        var maxTokens = MaxTokens;
        using var activity = Telemetry.Source.StartActivity("scenes.index");
        activity?.SetTag("askvideo.video_id", videoId);
        activity?.SetTag("askvideo.index.segments", segments.Count);
        var model = embedder.Model;
        activity?.SetTag("askvideo.index.embedding_model", model);

        var spoken = segments.Where(s => SceneBuilder.CountTokens(s.Text) > 0).ToList();
        IReadOnlyList<BuiltScene> parts;
        IReadOnlyList<ReadOnlyMemory<float>>? vectors = null;
        if (!embedder.Reads(string.Concat(spoken.Take(ReadSample).Select(s => s.Text))))
        {
            // A model that does not read this language would split on noise, and choose moments by
            // it: TF-IDF splits it, and its moments are chosen by words.
            using (Telemetry.Source.StartActivity("scenes.split"))
            {
                parts = SceneBuilder.Build(spoken, maxTokens);
            }
        }
        else
        {
            // Each segment's vector splits the transcript where the topic changes, and is kept to
            // choose the moment that means what a question asks.
            using (Telemetry.Source.StartActivity("scenes.embed_segments"))
            {
                vectors = await embedder.EmbedNativeAsync([.. spoken.Select(s => s.Text)], cancellationToken);
            }
            using (Telemetry.Source.StartActivity("scenes.split"))
            {
                parts = SceneBuilder.Build(spoken, vectors, maxTokens);
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
        return [.. parts.Select((part, i) =>
        {
            var scene = ToScene(videoId, i, part, language, embeddings[i], model);
            if (vectors is not null)
            {
                scene.SegmentEmbeddings = [.. part.Sources.Select((source, ordinal) =>
                    new SceneSegmentEmbedding { Ordinal = ordinal, Embedding = Half(vectors[source].Span) })];
            }
            return scene;
        })];
    }

    /// <summary>
    /// The scenes split on TF-IDF vectors, without embeddings; no network call. What is stored when
    /// no model is configured, or when the embedding service fails and the scenes are embedded later.
    /// </summary>
    public IReadOnlyList<Scene> Build(int videoId, IReadOnlyList<TimedText> segments, string? language)
    {
        using var activity = Telemetry.Source.StartActivity("scenes.split");
        activity?.SetTag("askvideo.video_id", videoId);
        var parts = SceneBuilder.Build(segments, MaxTokens);
        activity?.SetTag("askvideo.index.scenes", parts.Count);
        return [.. parts.Select((part, i) => ToScene(videoId, i, part, language, null, null))];
    }

    /// <summary>
    /// The vector in half precision, without the zeros it ends with: those a service pads it with
    /// (the local embeddings service widens its 384 dimensions to the 1536 asked for). Search
    /// compares it with as much of the question's vector, over both vectors' full lengths.
    /// </summary>
    private static HalfVector Half(ReadOnlySpan<float> vector)
    {
        var width = vector.Length;
        while (width > 1 && vector[width - 1] == 0)
        {
            width--;
        }
        var half = new Half[width];
        for (var i = 0; i < width; i++)
        {
            half[i] = (Half)vector[i];
        }
        return new HalfVector(half);
    }

    private static Scene ToScene(int videoId, int index, BuiltScene part, string? language, Vector? embedding, string? model) => new()
    {
        VideoId = videoId,
        Index = index,
        Start = Math.Round(part.Start, 3),
        End = Math.Round(part.End, 3),
        Text = part.Text,
        Segments = JsonSerializer.Serialize(part.Segments.Select(s => new SceneSegment(Math.Round(s.Start, 3), Math.Round(s.End, 3), s.Text))),
        Language = language,
        SearchText = SearchText.ForIndex(part.Text),
        Embedding = embedding,
        EmbeddingModel = embedding is null ? null : model,
    };
}
