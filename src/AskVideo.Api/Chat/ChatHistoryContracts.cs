using System.Globalization;
using System.Text.Json;
using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace AskVideo.Api.Chat;

public sealed record ChatLogResponse(long Id, string Question, string Answer, string Mode, JsonElement Citations, DateTimeOffset CreatedAt);

public sealed record ChatHistoryResponse(int Count, string? Next, string? Previous, IReadOnlyList<ChatLogResponse> Results);

/// <summary>The query of GET /api/chat/history/; kept as text so that a bad value is named in a 400.</summary>
public sealed record ChatHistoryQuery([property: FromQuery(Name = "group_id")] string? GroupId, string? Limit, string? Offset) : IValidatable
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public int GroupIdValue => int.Parse(GroupId!, CultureInfo.InvariantCulture);
    public int LimitValue => Limit is null ? DefaultLimit : int.Parse(Limit, CultureInfo.InvariantCulture);
    public int OffsetValue => Offset is null ? 0 : int.Parse(Offset, CultureInfo.InvariantCulture);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("group_id", GroupId is not null && IsInt(GroupId, out _), "A group id (a whole number) is required.")
        .Check("limit", Limit is null || (IsInt(Limit, out var limit) && limit is >= 1 and <= MaxLimit),
            $"A whole number from 1 to {MaxLimit}.")
        .Check("offset", Offset is null || (IsInt(Offset, out var offset) && offset >= 0), "A whole number, 0 or more.")
        .ToDictionary();

    private static bool IsInt(string value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
