using System.Globalization;
using System.Text.Json;
using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace AskVideo.Api.Chat;

// Field names in validation errors are the JSON (snake_case) names.

public sealed record ChatMessage(string? Role, string? Content);

/// <summary>POST /api/chat/: the conversation so far; the latest user message is the question.</summary>
public sealed record ChatRequest(int? GroupId, ChatMessage[]? Messages, bool? Stream = null) : IValidatable
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Validation.Errors().Check("group_id", GroupId is not null, "This field is required.");
        if (Messages is not { Length: > 0 })
        {
            errors.Add("messages", "Give at least one message.");
            return errors.ToDictionary();
        }
        for (var i = 0; i < Messages.Length; i++)
        {
            var message = Messages[i];
            var at = $"Message {i.ToString(CultureInfo.InvariantCulture)}";
            if (message is null)
            {
                errors.Add("messages", $"{at}: must be an object with role and content.");
                continue;
            }
            errors.Check("messages", message.Role is ChatRoles.User or ChatRoles.Assistant,
                    message.Role == ChatRoles.System
                        ? $"{at}: system messages are set by the server; send only user and assistant messages."
                        : $"{at}: the role must be user or assistant.")
                .Check("messages", message.Role != ChatRoles.User || !string.IsNullOrWhiteSpace(message.Content),
                    $"{at}: a user message cannot be empty.");
        }
        errors.Check("messages", Messages.Any(m => m?.Role == ChatRoles.User), "Give at least one user message.");
        return errors.ToDictionary();
    }

    /// <summary>The latest user message, the question to answer.</summary>
    public string Question => Messages!.Last(m => m?.Role == ChatRoles.User)!.Content!.Trim();

    /// <summary>The last <paramref name="count"/> messages before the question: the conversation it follows.</summary>
    public IReadOnlyList<ChatMessage> Earlier(int count)
    {
        var question = Array.FindLastIndex(Messages!, m => m?.Role == ChatRoles.User);
        return [.. Messages![..question].Where(m => m is not null && !string.IsNullOrWhiteSpace(m.Content)).TakeLast(count).Select(m => m!)];
    }
}

public static class ChatRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string System = "system";
}

public static class ChatModes
{
    /// <summary>No language model: the answer is the best passages, with their times.</summary>
    public const string Extractive = "extractive";

    /// <summary>A language model wrote the answer from the passages.</summary>
    public const string Llm = "llm";
}

/// <summary>
/// A moment the answer cites: the few seconds of one video (<see cref="Start"/> to <see cref="End"/>)
/// where <see cref="Quote"/> is said; <see cref="MediaUrl"/> plays the video from <see cref="Start"/>.
/// <see cref="PassageStart"/> and <see cref="PassageEnd"/> give the passage around it, for context.
/// </summary>
public sealed record ChatCitation(
    int N, int VideoId, string Title, double Start, double End, string Quote, string? MediaUrl,
    double? PassageStart = null, double? PassageEnd = null);

public sealed record ChatResponse(string Role, string Content, IReadOnlyList<ChatCitation> Citations, long ChatLogId, string Mode);

// The events of a streamed answer (stream: true): delta, then citations, then done; or error.

/// <summary><c>delta</c>: the next piece of the answer's text.</summary>
public sealed record ChatStreamDelta(string Text);

/// <summary><c>citations</c>: the passages the finished answer cites.</summary>
public sealed record ChatStreamCitations(IReadOnlyList<ChatCitation> Citations);

/// <summary><c>done</c>: the answer is complete and stored.</summary>
public sealed record ChatStreamDone(long ChatLogId, string Mode);

/// <summary><c>error</c>: the answer could not be finished; nothing was stored.</summary>
public sealed record ChatStreamError(string Code, string Message);
