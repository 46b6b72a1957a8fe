using System.Globalization;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Groups;

namespace AskVideo.Api.Groups;

// Field names in validation errors are the JSON (snake_case) names.

public record GroupResponse(
    int Id,
    string Name,
    string Description,
    int VideoCount,
    bool IsShared,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One video of a group, in the group's order (<see cref="Order"/> counts from 0).</summary>
public sealed record GroupVideoResponse(int Id, string Title, string Status, double? DurationSeconds, int Order, string? MediaUrl);

/// <summary>GET /api/videos/groups/{id}/: the group and its videos in order.</summary>
public sealed record GroupDetailResponse : GroupResponse
{
    public GroupDetailResponse(GroupResponse group, IReadOnlyList<GroupVideoResponse> videos) : base(group) => Videos = videos;

    public IReadOnlyList<GroupVideoResponse> Videos { get; init; }
}

public sealed record GroupListResponse(int Count, string? Next, string? Previous, IReadOnlyList<GroupResponse> Results);

public sealed record AddVideosResponse(IReadOnlyList<int> Added, IReadOnlyList<int> Skipped);

public sealed record CreateGroupRequest(string? Name, string? Description) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("name", Name)
        .MaxLength("name", Name?.Trim(), VideoGroup.NameMaxLength)
        .MaxLength("description", Description, VideoGroup.DescriptionMaxLength)
        .ToDictionary();
}

/// <summary>PATCH: absent (or null) fields stay as they are.</summary>
public sealed record UpdateGroupRequest(string? Name, string? Description) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("name", Name is null || !string.IsNullOrWhiteSpace(Name), "The name cannot be blank.")
        .MaxLength("name", Name?.Trim(), VideoGroup.NameMaxLength)
        .MaxLength("description", Description, VideoGroup.DescriptionMaxLength)
        .ToDictionary();
}

/// <summary>POST /api/videos/groups/{id}/videos/: videos to append, in this order.</summary>
public sealed record AddVideosRequest(int[]? VideoIds) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("video_ids", VideoIds is { Length: > 0 }, "Give at least one video id.")
        .CheckDistinct("video_ids", VideoIds)
        .ToDictionary();
}

/// <summary>POST /api/videos/groups/{id}/reorder/: every video of the group, each once, in the new order.</summary>
public sealed record ReorderVideosRequest(int[]? VideoIds) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("video_ids", VideoIds is not null, "This field is required.")
        .CheckDistinct("video_ids", VideoIds)
        .ToDictionary();
}

/// <summary>POST /api/videos/groups/reorder/: every group of the user, each once, in the new order.</summary>
public sealed record ReorderGroupsRequest(int[]? GroupIds) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("group_ids", GroupIds is not null, "This field is required.")
        .CheckDistinct("group_ids", GroupIds)
        .ToDictionary();
}

/// <summary>The query of GET /api/videos/groups/; kept as text so that a bad value is named in a 400.</summary>
public sealed record GroupListQuery(string? Limit, string? Offset) : IValidatable
{
    public int LimitValue => Paging.Limit(Limit);
    public int OffsetValue => Paging.Offset(Offset);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .CheckPage(Limit, Offset)
        .ToDictionary();
}

internal static class GroupRules
{
    public static Validation.Errors CheckDistinct(this Validation.Errors errors, string field, int[]? ids)
    {
        var repeated = ids?.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList() ?? [];
        return errors.Check(field, repeated.Count == 0, $"Each id may appear once; repeated: {IdList(repeated)}.");
    }

    public static string IdList(IEnumerable<int> ids) => string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}
