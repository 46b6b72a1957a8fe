using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Videos;

/// <summary>The orderings of GET /api/videos/, each ending on the id so pages never overlap.</summary>
public static class VideoOrdering
{
    public const string Default = "-created_at";

    private static readonly Dictionary<string, Func<IQueryable<Video>, IOrderedQueryable<Video>>> s_orderings = new(StringComparer.Ordinal)
    {
        ["created_at"] = q => q.OrderBy(v => v.CreatedAt).ThenBy(v => v.Id),
        ["-created_at"] = q => q.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id),
        ["title"] = q => q.OrderBy(v => v.Title).ThenBy(v => v.Id),
        ["-title"] = q => q.OrderByDescending(v => v.Title).ThenByDescending(v => v.Id),
        ["duration_seconds"] = q => q.OrderBy(v => v.DurationSeconds).ThenBy(v => v.Id),
        ["-duration_seconds"] = q => q.OrderByDescending(v => v.DurationSeconds).ThenByDescending(v => v.Id),
    };

    public static IEnumerable<string> Names => s_orderings.Keys;

    public static bool IsKnown(string name) => s_orderings.ContainsKey(name);

    public static IOrderedQueryable<Video> Apply(IQueryable<Video> videos, string? name) => s_orderings[name ?? Default](videos);
}

public static class VideoQueries
{
    public static IQueryable<Video> OwnedBy(this IQueryable<Video> videos, int ownerId) =>
        videos.Where(v => v.OwnerId == ownerId);

    /// <summary>Case-insensitive search in title and description; % and _ in the text match themselves.</summary>
    public static IQueryable<Video> Matching(this IQueryable<Video> videos, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return videos;
        }
        var pattern = "%" + EscapeLike(text.Trim()) + "%";
        return videos.Where(v => EF.Functions.ILike(v.Title, pattern, @"\") || EF.Functions.ILike(v.Description, pattern, @"\"));
    }

    private static string EscapeLike(string text) => text
        .Replace(@"\", @"\\", StringComparison.Ordinal)
        .Replace("%", @"\%", StringComparison.Ordinal)
        .Replace("_", @"\_", StringComparison.Ordinal);
}
