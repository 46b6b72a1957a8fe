namespace AskVideo.Core.Chat;

/// <summary>One question asked about a group and the answer given, with the passages it cited.</summary>
public sealed class ChatLog
{
    public long Id { get; set; }
    public int GroupId { get; set; }
    public required string Question { get; set; }
    public required string Answer { get; set; }
    /// <summary>How the answer was made ("extractive").</summary>
    public required string Mode { get; set; }
    /// <summary>The citations as the API returned them (a JSON array, stored as jsonb).</summary>
    public required string CitationsJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
