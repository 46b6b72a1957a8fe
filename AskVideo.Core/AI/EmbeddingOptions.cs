using System.ComponentModel.DataAnnotations;
using AskVideo.Core.Search;

namespace AskVideo.Core.AI;

/// <summary>Settings of the <c>embeddings</c> connection (section <c>Embeddings</c>).</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Embeddings";
    public const string ConnectionName = "embeddings";
    public const string DefaultModel = "text-embedding-3-small";

    /// <summary>
    /// How many dimensions to ask the model for (OpenAI's text-embedding-3 models shorten their
    /// vectors on request). 0 leaves the model's own width, for models that refuse the parameter.
    /// </summary>
    [Range(0, Scene.EmbeddingDimensions)]
    public int Dimensions { get; set; } = Scene.EmbeddingDimensions;

    /// <summary>
    /// False for a model that reads one family of languages (e.g. English only): its vectors are
    /// then not used for Chinese, Japanese or Korean text, neither to find passages for a question
    /// nor to split a video into scenes; full-text search and TF-IDF splitting carry those alone.
    /// </summary>
    public bool Multilingual { get; set; } = true;

    /// <summary>Texts per embeddings request.</summary>
    [Range(1, 2048)]
    public int BatchSize { get; set; } = 64;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often the Worker looks for videos with scenes embedded by another model (or not at all)
    /// and indexes them again with the configured one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
