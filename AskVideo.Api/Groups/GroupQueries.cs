using AskVideo.Api.Videos;
using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Groups;

public static class GroupQueries
{
    public static IQueryable<VideoGroup> OwnedBy(this IQueryable<VideoGroup> groups, int ownerId) =>
        groups.Where(g => g.OwnerId == ownerId);

    /// <summary>The owner's order of groups, ending on the id so pages never overlap.</summary>
    public static IOrderedQueryable<VideoGroup> InOwnerOrder(this IQueryable<VideoGroup> groups) =>
        groups.OrderBy(g => g.Position).ThenBy(g => g.CreatedAt).ThenBy(g => g.Id);

    /// <summary>Groups with their video count, as the API shows them.</summary>
    public static IQueryable<GroupResponse> ToResponses(this IQueryable<VideoGroup> groups) =>
        groups.Select(g => new GroupResponse(
            g.Id, g.Name, g.Description, g.Members.Count, g.ShareToken != null, g.CreatedAt, g.UpdatedAt));

    /// <summary>The videos of a group in its order, with their place counted from 0.</summary>
    public static async Task<IReadOnlyList<GroupVideoResponse>> VideosInOrderAsync(
        this AppDbContext db, int groupId, MediaUrls urls, CancellationToken cancellationToken)
    {
        var videos = await db.VideoGroupMembers.AsNoTracking()
            .Where(m => m.GroupId == groupId)
            .OrderBy(m => m.Position).ThenBy(m => m.AddedAt).ThenBy(m => m.VideoId)
            .Select(m => new { m.Video.Id, m.Video.Title, m.Video.Status, m.Video.DurationSeconds })
            .ToListAsync(cancellationToken);
        return [.. videos.Select((v, order) =>
            new GroupVideoResponse(v.Id, v.Title, VideoRules.Name(v.Status), v.DurationSeconds, order, urls.For(v.Id)))];
    }

    /// <summary>
    /// Locks the user's group for the rest of the transaction, so that changes to its members run
    /// one after another; false when the user has no such group.
    /// </summary>
    public static async Task<bool> LockOwnedGroupAsync(this AppDbContext db, int groupId, int ownerId, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM video_groups WHERE "Id" = {groupId} AND "OwnerId" = {ownerId} FOR UPDATE
            """).ToListAsync(cancellationToken) is [_];

    /// <summary>Locks all of the user's groups for the rest of the transaction and returns their ids.</summary>
    public static Task<List<int>> LockOwnedGroupsAsync(this AppDbContext db, int ownerId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM video_groups WHERE "OwnerId" = {ownerId} ORDER BY "Id" FOR UPDATE
            """).ToListAsync(cancellationToken);

    /// <summary>
    /// Those of <paramref name="videoIds"/> that are the user's videos, kept from deletion until the
    /// transaction ends (so they can still be added when the answer comes).
    /// </summary>
    public static Task<List<int>> LockOwnedVideosAsync(this AppDbContext db, int[] videoIds, int ownerId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM videos WHERE "OwnerId" = {ownerId} AND "Id" = ANY({videoIds}) FOR KEY SHARE
            """).ToListAsync(cancellationToken);

    /// <summary>Positions 0, 1, 2, ... for the user's groups, in the order of <paramref name="groupIds"/>.</summary>
    public static Task<int> SetGroupOrderAsync(this AppDbContext db, int ownerId, int[] groupIds, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE video_groups AS g SET "Position" = (o.n - 1)::int
            FROM unnest({groupIds}) WITH ORDINALITY AS o(id, n)
            WHERE g."Id" = o.id AND g."OwnerId" = {ownerId}
            """, cancellationToken);

    /// <summary>Positions 0, 1, 2, ... for the group's videos, in the order of <paramref name="videoIds"/>.</summary>
    public static Task<int> SetVideoOrderAsync(this AppDbContext db, int groupId, int[] videoIds, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE video_group_members AS m SET "Position" = (o.n - 1)::int
            FROM unnest({videoIds}) WITH ORDINALITY AS o(id, n)
            WHERE m."GroupId" = {groupId} AND m."VideoId" = o.id
            """, cancellationToken);
}
