using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Groups;

public static partial class GroupsApi
{
    /// <summary>
    /// POST /api/videos/groups/{id}/videos/: appends the videos in the given order; videos already in
    /// the group are skipped. Any id that is not one of the user's videos makes it a 400 naming those
    /// ids, and then nothing is added.
    /// </summary>
    internal static async Task<Results<Ok<AddVideosResponse>, ValidationProblem, ProblemHttpResult>> AddVideos(
        int id, AddVideosRequest request, ClaimsPrincipal principal, AppDbContext db, IOptions<GroupOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var ids = request.VideoIds!;
        var max = options.Value.MaxVideoIdsPerAdd;
        if (ids.Length > max)
        {
            return VideoIdsProblem($"At most {max} ids in one request.");
        }
        var ownerId = principal.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.LockOwnedGroupAsync(id, ownerId, cancellationToken))
        {
            return GroupNotFound();
        }
        var owned = (await db.LockOwnedVideosAsync(ids, ownerId, cancellationToken)).ToHashSet();
        if (ids.Where(videoId => !owned.Contains(videoId)).ToList() is { Count: > 0 } unknown)
        {
            // Unknown and other users' ids get the same answer: nobody learns which ids exist.
            return VideoIdsProblem($"Not videos in your library: {GroupRules.IdList(unknown)}.", "No video was added.");
        }

        var members = db.VideoGroupMembers.Where(m => m.GroupId == id);
        var present = (await members.Where(m => ids.Contains(m.VideoId)).Select(m => m.VideoId).ToListAsync(cancellationToken)).ToHashSet();
        var next = (await members.MaxAsync(m => (int?)m.Position, cancellationToken) ?? -1) + 1;
        var added = ids.Where(videoId => !present.Contains(videoId)).ToList();
        var now = clock.GetUtcNow();
        foreach (var videoId in added)
        {
            db.VideoGroupMembers.Add(new VideoGroupMember { GroupId = id, VideoId = videoId, Position = next++, AddedAt = now });
        }
        if (added.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            await TouchAsync(db, id, now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new AddVideosResponse(added, [.. ids.Where(present.Contains)]));
    }

    /// <summary>DELETE /api/videos/groups/{id}/videos/{videoId}/: takes the video out of the group (it stays in the library).</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveVideo(
        int id, int videoId, ClaimsPrincipal principal, AppDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == id, cancellationToken))
        {
            return GroupNotFound();
        }
        var removed = await db.VideoGroupMembers.Where(m => m.GroupId == id && m.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Video not in the group.",
                detail: "This group has no video with this id.");
        }
        await TouchAsync(db, id, clock.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// POST /api/videos/groups/{id}/reorder/: puts the group's videos in the given order. The ids must
    /// be exactly the group's videos, each once; otherwise 400 and the order stays as it was.
    /// </summary>
    internal static async Task<Results<Ok<GroupDetailResponse>, ValidationProblem, ProblemHttpResult>> ReorderVideos(
        int id, ReorderVideosRequest request, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var ids = request.VideoIds!;
        var ownerId = principal.UserId();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await db.LockOwnedGroupAsync(id, ownerId, cancellationToken))
            {
                return GroupNotFound();
            }
            var current = await db.VideoGroupMembers.Where(m => m.GroupId == id).Select(m => m.VideoId).ToListAsync(cancellationToken);
            if (NotTheSameSet("video_ids", ids, current, "Not in this group") is { } mismatch)
            {
                return mismatch;
            }
            await db.SetVideoOrderAsync(id, ids, cancellationToken);
            await TouchAsync(db, id, clock.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var group = await db.VideoGroups.AsNoTracking().Where(g => g.Id == id).ToResponses().SingleAsync(cancellationToken);
        return TypedResults.Ok(new GroupDetailResponse(group, await db.VideosInOrderAsync(id, urls, cancellationToken)));
    }

    /// <summary>Marks the group as changed: its list of videos is part of it.</summary>
    private static Task<int> TouchAsync(AppDbContext db, int groupId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.VideoGroups.Where(g => g.Id == groupId).ExecuteUpdateAsync(set => set.SetProperty(g => g.UpdatedAt, now), cancellationToken);

    private static ValidationProblem VideoIdsProblem(string message, string title = "Some fields are not valid.") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["video_ids"] = [message] }, title: title);
}
