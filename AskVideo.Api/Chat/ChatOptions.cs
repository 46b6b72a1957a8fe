using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Chat;

public sealed class ChatOptions
{
    public const string Section = "Chat";
    public const string ConnectionName = "chat";
    public const string DefaultModel = "gpt-4o-mini";

    /// <summary>Longest message content a request may carry, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxMessageChars { get; set; } = 4000;

    /// <summary>Most messages one request may carry.</summary>
    [Range(1, 1000)]
    public int MaxMessages { get; set; } = 50;

    /// <summary>How many passages retrieval hands to the answer.</summary>
    [Range(1, 100)]
    public int TopK { get; set; } = 8;

    /// <summary>
    /// The share (0 to 1) of the question's weighted words that the best moment must hold for the
    /// videos to count as covering the question. Below it, and with no passage similar enough by
    /// embedding, the answer is "not covered" with no citations, and no model is asked.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinEvidence { get; set; } = 0.25;

    /// <summary>
    /// <see cref="MinEvidence"/> for questions in Chinese or Japanese, which are matched by
    /// character pairs: a word of several characters gives several pairs that match together,
    /// so their evidence runs higher than that of whole words.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinEvidenceCjk { get; set; } = 0.38;

    /// <summary>
    /// The cosine similarity to the question that lets a passage found by embeddings count as
    /// evidence, whatever words it shares. Depends on the model: calibrate it on your own questions.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MinSimilarity { get; set; } = 0.25;

    /// <summary>Most characters of an extractive answer: the quoted moments and the list of further ones.</summary>
    [Range(100, 10_000)]
    public int MaxExtractiveChars { get; set; } = 600;

    /// <summary>How many earlier messages of the conversation the model sees (and the follow-up rewrite reads).</summary>
    [Range(0, 100)]
    public int HistoryMessages { get; set; } = 6;

    /// <summary>Longest answer the model may write, in tokens.</summary>
    [Range(16, 32_000)]
    public int MaxOutputTokens { get; set; } = 1000;

    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 0.2f;

    /// <summary>How long one request to the chat model may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(120);
}
