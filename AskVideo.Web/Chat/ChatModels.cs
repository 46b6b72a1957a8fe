using System.Text.Json;

namespace AskVideo.Web.Chat;

// The Api's chat shapes, as the pages read them.

public sealed record Citation(int N, int VideoId, string Title, double Start, double End, string Quote, string? MediaUrl);

public sealed record StreamDelta(string Text);

public sealed record StreamCitations(IReadOnlyList<Citation> Citations);

public sealed record StreamDone(long ChatLogId, string Mode);

public sealed record StreamError(string Code, string Message);

public sealed record ChatLog(long Id, string Question, string Answer, string Mode, JsonElement Citations, string? Feedback, bool IsSharedOrigin, DateTimeOffset CreatedAt);

public sealed record ChatHistory(int Count, string? Next, string? Previous, IReadOnlyList<ChatLog> Results);

/// <summary>A video the chat's player can show.</summary>
public sealed record PlayableVideo(int Id, string Title, string? Source);

/// <summary>One question and its answer as it streams in.</summary>
public sealed class Exchange(string question)
{
    public string Question { get; } = question;
    public string Answer { get; set; } = "";
    public List<Citation> Citations { get; } = [];
    public long? ChatLogId { get; set; }
    public string? Mode { get; set; }
    public string? Error { get; set; }
    public string? Feedback { get; set; }
    public bool Done { get; set; }

    public bool IsExtractive => Mode == "extractive";
}
