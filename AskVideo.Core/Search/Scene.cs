using NpgsqlTypes;
using Pgvector;

namespace AskVideo.Core.Search;

/// <summary>
/// A passage of a video's transcript that retrieval returns as one unit: consecutive segments
/// grouped where the topic holds (see <see cref="SceneBuilder"/>), with the time they cover.
/// </summary>
public sealed class Scene
{
    /// <summary>
    /// Width of the stored embeddings. Models that return fewer dimensions are padded with zeros,
    /// which changes no cosine similarity; models with more are asked for this many.
    /// </summary>
    public const int EmbeddingDimensions = 1536;

    public long Id { get; set; }
    public int VideoId { get; set; }
    /// <summary>Order within the video, from 0.</summary>
    public int Index { get; set; }
    public double Start { get; set; }
    public double End { get; set; }
    public required string Text { get; set; }

    /// <summary>
    /// The timed segments the scene is made of, as JSON <c>[{"start":…,"end":…,"text":…}]</c>: what
    /// citations point at (a moment is one or a few of them), kept with the scene so that its
    /// moments always quote the text it was indexed from. Null for scenes stored before it existed.
    /// </summary>
    public string? Segments { get; set; }

    /// <summary>The transcript's ISO 639-1 language code; picks the full-text configuration.</summary>
    public string? Language { get; set; }

    /// <summary>
    /// What the full-text vector is built from when it differs from <see cref="Text"/>: runs of
    /// Chinese, Japanese or Korean characters written out as overlapping bigrams
    /// (see <see cref="SearchText"/>). Null when the text has none.
    /// </summary>
    public string? SearchText { get; set; }

    /// <summary>Full-text vector, computed by PostgreSQL (generated column).</summary>
    public NpgsqlTsVector SearchVector { get; set; } = null!;

    /// <summary>The embedding of <see cref="Text"/>, when an embedding model is configured.</summary>
    public Vector? Embedding { get; set; }

    /// <summary>The model that made <see cref="Embedding"/>; a scene made by another model is embedded again.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>
    /// The embeddings of the scene's segments, by the same model as <see cref="Embedding"/>: what
    /// a moment is chosen by beside the question's words. Empty when the model does not read the
    /// scene's language, or when the scene has no embedding.
    /// </summary>
    public List<SceneSegmentEmbedding> SegmentEmbeddings { get; set; } = [];
}

/// <summary>
/// The embedding of one of a scene's segments (<see cref="Scene.Segments"/>, by position), at the
/// model's own width (without the zeros it ends with) and in half precision: there are many
/// segments, padding every one to <see cref="Scene.EmbeddingDimensions"/> would store mostly zeros, and half precision changes
/// which moment is closest to a question only between near ties.
/// </summary>
public sealed class SceneSegmentEmbedding
{
    public long SceneId { get; set; }

    /// <summary>The segment's position in <see cref="Scene.Segments"/>, from 0.</summary>
    public int Ordinal { get; set; }

    public required HalfVector Embedding { get; set; }
}

/// <summary>One timed segment of a scene, as <see cref="Scene.Segments"/> stores it.</summary>
public sealed record SceneSegment(
    [property: System.Text.Json.Serialization.JsonPropertyName("start")] double Start,
    [property: System.Text.Json.Serialization.JsonPropertyName("end")] double End,
    [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text);
