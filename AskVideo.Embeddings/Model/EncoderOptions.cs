using System.ComponentModel.DataAnnotations;

namespace AskVideo.Embeddings.Model;

/// <summary>How the model is run (section <c>Encoder</c>).</summary>
public sealed class EncoderOptions
{
    public const string Section = "Encoder";

    /// <summary>Texts per call into the model. A batch is padded to its longest text, so small batches waste less.</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Batches encoded at once, across all requests. 0: one per processor.</summary>
    [Range(0, 1024)]
    public int MaxConcurrentEncodes { get; set; }

    /// <summary>The largest request body read, in bytes.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 4L * 1024 * 1024;

    public int ConcurrentEncodes => MaxConcurrentEncodes > 0 ? MaxConcurrentEncodes : Environment.ProcessorCount;
}
