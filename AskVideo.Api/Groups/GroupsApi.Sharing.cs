using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Sharing;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Groups;

public static partial class GroupsApi
{
    /// <summary>
    /// POST /api/videos/groups/{id}/share/: a new share link for the group. A link the group had
    /// before stops working in the same statement.
    /// </summary>
    internal static async Task<Results<Created<ShareLinkResponse>, ProblemHttpResult>> CreateShareLink(
        int id, ClaimsPrincipal principal, AppDbContext db, ShareLinks links, TimeProvider clock, CancellationToken cancellationToken)
    {
        var token = ShareLinks.NewToken();
        var now = clock.GetUtcNow();
        var updated = await db.VideoGroups.OwnedBy(principal.UserId()).Where(g => g.Id == id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(g => g.ShareToken, token)
                .SetProperty(g => g.ShareCreatedAt, now), cancellationToken);
        return updated == 0
            ? GroupNotFound()
            : TypedResults.Created($"/api/videos/groups/{id}/share/", new ShareLinkResponse(token, links.UrlFor(token), now));
    }

    /// <summary>GET /api/videos/groups/{id}/share/: the group's current share link; 404 when it has none.</summary>
    internal static async Task<Results<Ok<ShareLinkResponse>, ProblemHttpResult>> GetShareLink(
        int id, ClaimsPrincipal principal, AppDbContext db, ShareLinks links, CancellationToken cancellationToken)
    {
        var group = await db.VideoGroups.AsNoTracking().OwnedBy(principal.UserId()).Where(g => g.Id == id)
            .Select(g => new { g.ShareToken, g.ShareCreatedAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            return GroupNotFound();
        }
        if (group is not { ShareToken: { } token, ShareCreatedAt: { } createdAt })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The group is not shared.",
                detail: "Create a share link with POST on this address.");
        }
        return TypedResults.Ok(new ShareLinkResponse(token, links.UrlFor(token), createdAt));
    }

    /// <summary>DELETE /api/videos/groups/{id}/share/: revokes the share link at once; 204 also when there was none.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeShareLink(
        int id, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        var updated = await db.VideoGroups.OwnedBy(principal.UserId()).Where(g => g.Id == id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(g => g.ShareToken, (string?)null)
                .SetProperty(g => g.ShareCreatedAt, (DateTimeOffset?)null), cancellationToken);
        return updated == 0 ? GroupNotFound() : TypedResults.NoContent();
    }
}
