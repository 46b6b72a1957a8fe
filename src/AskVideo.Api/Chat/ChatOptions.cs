using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Chat;

public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Longest message content a request may carry, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxMessageChars { get; set; } = 4000;

    /// <summary>How many passages retrieval hands to the answer.</summary>
    [Range(1, 100)]
    public int TopK { get; set; } = 8;
}
