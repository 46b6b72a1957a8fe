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
    public double MinEvidenceCjk { get; set; } = 0.4;

    /// <summary>
    /// With embeddings, what the videos need to count as covering a question, in place of
    /// <see cref="MinEvidence"/>: the best evidence of the passages found plus the cosine similarity
    /// of the closest one. Meaning and words together, since either alone lets through questions
    /// the videos only brush against. Questions the model does not read (see
    /// <c>Embeddings:Multilingual</c>) are judged by <see cref="MinEvidence"/> alone.
    /// Depends on the model: 0.65 is calibrated for all-MiniLM-L6-v2 (the local model) on the quality
    /// benchmark's questions (the threshold with the best sum of the two shares, keeping 95% of
    /// covered questions answered); calibrate it on your own for another.
    /// </summary>
    [Range(-1.0, 2.0)]
    public double MinSimilarity { get; set; } = 0.65;

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
