using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Groups;

public static partial class GroupsApi
{
    /// <summary>POST /api/videos/groups/: a new, empty group, placed after the user's other groups.</summary>
    internal static async Task<Results<Created<GroupResponse>, ValidationProblem>> Create(
        CreateGroupRequest request, ClaimsPrincipal principal, AppDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ownerId = principal.UserId();
        var last = await db.VideoGroups.OwnedBy(ownerId).MaxAsync(g => (int?)g.Position, cancellationToken);
        var now = clock.GetUtcNow();
        var group = new VideoGroup
        {
            OwnerId = ownerId,
            Name = request.Name!.Trim(),
            Description = request.Description ?? "",
            Position = (last ?? -1) + 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.VideoGroups.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/videos/groups/{group.Id}/", ToResponse(group, videoCount: 0));
    }

    /// <summary>GET /api/videos/groups/: the user's groups in their order, a page at a time.</summary>
    internal static async Task<Results<Ok<GroupListResponse>, ValidationProblem>> List(
        [AsParameters] GroupListQuery query, ClaimsPrincipal principal, AppDbContext db, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var groups = db.VideoGroups.AsNoTracking().OwnedBy(principal.UserId());
        var count = await groups.CountAsync(cancellationToken);
        var (limit, offset) = (query.LimitValue, query.OffsetValue);
        var page = await groups.InOwnerOrder().Skip(offset).Take(limit).ToResponses().ToListAsync(cancellationToken);

        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new GroupListResponse(
            count,
            next,
            previous,
            page));
    }

    /// <summary>GET /api/videos/groups/{id}/: the group with its videos in order.</summary>
    internal static async Task<Results<Ok<GroupDetailResponse>, ProblemHttpResult>> Get(
        int id, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls, CancellationToken cancellationToken)
    {
        var group = await db.VideoGroups.AsNoTracking().OwnedBy(principal.UserId()).Where(g => g.Id == id)
            .ToResponses().SingleOrDefaultAsync(cancellationToken);
        return group is null
            ? GroupNotFound()
            : TypedResults.Ok(new GroupDetailResponse(group, await db.VideosInOrderAsync(id, urls, cancellationToken)));
    }

    /// <summary>PATCH /api/videos/groups/{id}/: name and/or description; absent fields stay as they are.</summary>
    internal static async Task<Results<Ok<GroupResponse>, ValidationProblem, ProblemHttpResult>> Update(
        int id, UpdateGroupRequest request, ClaimsPrincipal principal, AppDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var group = await db.VideoGroups.OwnedBy(principal.UserId()).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null)
        {
            return GroupNotFound();
        }
        if (request.Name is not null)
        {
            group.Name = request.Name.Trim();
        }
        if (request.Description is not null)
        {
            group.Description = request.Description;
        }
        group.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var videoCount = await db.VideoGroupMembers.CountAsync(m => m.GroupId == id, cancellationToken);
        return TypedResults.Ok(ToResponse(group, videoCount));
    }

    /// <summary>DELETE /api/videos/groups/{id}/: the group and its share link; its videos stay in the library.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        int id, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        // Memberships go with the group (cascade); the videos themselves are not touched.
        var deleted = await db.VideoGroups.OwnedBy(principal.UserId()).Where(g => g.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? GroupNotFound() : TypedResults.NoContent();
    }

    /// <summary>
    /// POST /api/videos/groups/reorder/: puts the user's groups in the given order. The ids must be
    /// exactly the user's groups, each once; otherwise 400 and nothing changes.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<GroupResponse>>, ValidationProblem>> ReorderGroups(
        ReorderGroupsRequest request, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        var ids = request.GroupIds!;
        var ownerId = principal.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var current = await db.LockOwnedGroupsAsync(ownerId, cancellationToken);
        if (NotTheSameSet("group_ids", ids, current, "Not one of your groups") is { } mismatch)
        {
            return mismatch;
        }
        await db.SetGroupOrderAsync(ownerId, ids, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        IReadOnlyList<GroupResponse> groups = await db.VideoGroups.AsNoTracking().OwnedBy(ownerId).InOwnerOrder()
            .ToResponses().ToListAsync(cancellationToken);
        return TypedResults.Ok(groups);
    }

    private static GroupResponse ToResponse(VideoGroup group, int videoCount) => new(
        group.Id, group.Name, group.Description, videoCount, group.ShareToken is not null, group.CreatedAt, group.UpdatedAt);

    private static ProblemHttpResult GroupNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Group not found.", detail: "You have no group with this id.");

    /// <summary>400 naming what is missing and what does not belong, unless <paramref name="given"/> is exactly <paramref name="current"/>.</summary>
    private static ValidationProblem? NotTheSameSet(string field, int[] given, IReadOnlyCollection<int> current, string extraLabel)
    {
        var missing = current.Except(given).Order().ToList();
        var extra = given.Except(current).ToList();
        if (missing.Count == 0 && extra.Count == 0)
        {
            return null;
        }
        var messages = new List<string>();
        if (missing.Count > 0)
        {
            messages.Add($"Missing: {GroupRules.IdList(missing)}.");
        }
        if (extra.Count > 0)
        {
            messages.Add($"{extraLabel}: {GroupRules.IdList(extra)}.");
        }
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [.. messages] },
            title: "The new order must name every item exactly once.");
    }

}
