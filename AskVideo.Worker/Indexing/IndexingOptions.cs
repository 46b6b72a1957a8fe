using System.ComponentModel.DataAnnotations;

namespace AskVideo.Worker.Indexing;

/// <summary>How transcripts are cut into scenes, the passages retrieval returns and a model reads.</summary>
public sealed class IndexingOptions
{
    public const string Section = "Indexing";

    /// <summary>
    /// Most tokens of a scene. Scenes keep a topic together for retrieval and for the model; the
    /// moments that citations point at are chosen inside them. Measured on the quality benchmark
    /// (bench/run.sh quality): 250 ranked moments a little better than 512 and than 120 or 200.
    /// </summary>
    [Range(16, 4096)]
    public int SceneMaxTokens { get; set; } = 250;
}
