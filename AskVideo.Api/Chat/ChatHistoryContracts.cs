using System.Globalization;
using System.Text.Json;
using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace AskVideo.Api.Chat;

/// <summary>One stored exchange. <see cref="Feedback"/> is "good", "bad" or null; <see cref="IsSharedOrigin"/> is true when a guest asked by share link.</summary>
public sealed record ChatLogResponse(
    long Id, string Question, string Answer, string Mode, JsonElement Citations, string? Feedback, bool IsSharedOrigin, DateTimeOffset CreatedAt);

public sealed record ChatHistoryResponse(int Count, string? Next, string? Previous, IReadOnlyList<ChatLogResponse> Results);

/// <summary>The query of GET /api/chat/history/; kept as text so that a bad value is named in a 400.</summary>
public sealed record ChatHistoryQuery([property: FromQuery(Name = "group_id")] string? GroupId, string? Limit, string? Offset) : IValidatable
{
    public int GroupIdValue => int.Parse(GroupId!, CultureInfo.InvariantCulture);
    public int LimitValue => Paging.Limit(Limit);
    public int OffsetValue => Paging.Offset(Offset);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("group_id", Paging.IsWholeNumber(GroupId, out _), "A group id (a whole number) is required.")
        .CheckPage(Limit, Offset)
        .ToDictionary();
}

/// <summary>The query of GET /api/chat/history/export/ and DELETE /api/chat/history/.</summary>
public sealed record ChatGroupQuery([property: FromQuery(Name = "group_id")] string? GroupId) : IValidatable
{
    public int GroupIdValue => int.Parse(GroupId!, CultureInfo.InvariantCulture);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("group_id", Paging.IsWholeNumber(GroupId, out _), "A group id (a whole number) is required.")
        .ToDictionary();
}

/// <summary>
/// POST /api/chat/feedback/: rates one answer. <c>feedback</c> must be present: "good", "bad", or
/// null to clear the rating (kept as JSON so that a missing field and an explicit null differ).
/// </summary>
public sealed record ChatFeedbackRequest(long? ChatLogId, JsonElement Feedback) : IValidatable
{
    public const string Good = "good";
    public const string Bad = "bad";

    /// <summary>The rating to store; null clears it. Valid only after <see cref="Validate"/> passed.</summary>
    public string? Value => Feedback.ValueKind == JsonValueKind.String ? Feedback.GetString() : null;

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("chat_log_id", ChatLogId is > 0, "A chat log id (a positive whole number) is required.")
        .Check("feedback", Feedback.ValueKind == JsonValueKind.Null
                || (Feedback.ValueKind == JsonValueKind.String && Feedback.GetString() is Good or Bad),
            "Give \"good\", \"bad\", or null to clear the rating.")
        .ToDictionary();
}

/// <summary>The rating an answer now has.</summary>
public sealed record ChatFeedbackResponse(long ChatLogId, string? Feedback);
