namespace AskVideo.Core.Chat;

/// <summary>One question asked about a group and the answer given, with the passages it cited.</summary>
public sealed class ChatLog
{
    public long Id { get; set; }
    public int GroupId { get; set; }
    public required string Question { get; set; }
    public required string Answer { get; set; }
    /// <summary>How the answer was made ("extractive" or "llm").</summary>
    public required string Mode { get; set; }
    /// <summary>The citations as the API returned them (a JSON array, stored as jsonb).</summary>
    public required string CitationsJson { get; set; }
    /// <summary>Every passage retrieval handed to the answer, cited or not (a JSON array, stored as jsonb).</summary>
    public string RetrievedJson { get; set; } = "[]";
    /// <summary>True when a guest asked through the group's share link.</summary>
    public bool IsSharedOrigin { get; set; }
    /// <summary>"good", "bad", or null when nobody rated the answer.</summary>
    public string? Feedback { get; set; }
    /// <summary>The chat model that wrote the answer, and the tokens it reported; null in extractive mode.</summary>
    public string? Model { get; set; }
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// How many answers a user's groups received in one calendar month (UTC). Kept apart from the
/// logs, so deleting history or a group does not give answers back.
/// </summary>
public sealed class AnswerUsage
{
    public int UserId { get; set; }
    /// <summary>The first day of the month.</summary>
    public DateOnly Month { get; set; }
    public int Count { get; set; }
}
