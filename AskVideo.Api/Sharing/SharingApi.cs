using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Videos;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Sharing;

/// <summary>
/// /api/share: what a share link opens, for anyone who has it, without signing in. Read only, and
/// only the group the token belongs to. Rate limited per IP. The owner manages the link under
/// /api/videos/groups/{id}/share/.
/// </summary>
public static class SharingApi
{
    public static RouteGroupBuilder MapSharingApi(this IEndpointRouteBuilder app)
    {
        var share = app.MapGroup("/api/share").WithTags("Sharing")
            .AllowAnonymous()
            .RequireRateLimiting(SharingSetup.RateLimitPolicy);

        share.MapGet("/{token}/", GetSharedGroup)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return share;
    }

    /// <summary>GET /api/share/{token}/: the shared group and its videos in order; 404 for a wrong or revoked token.</summary>
    internal static async Task<Results<Ok<SharedGroupResponse>, ProblemHttpResult>> GetSharedGroup(
        string token, AppDbContext db, MediaUrls urls, CancellationToken cancellationToken)
    {
        var group = await db.FindSharedGroupAsync(token, cancellationToken);
        if (group is null)
        {
            return LinkNotFound();
        }
        var videos = await db.VideosInOrderAsync(group.Id, urls, cancellationToken);
        return TypedResults.Ok(new SharedGroupResponse(group.Id, group.Name, group.Description,
            [.. videos.Select(v => new SharedVideoResponse(v.Id, v.Title, v.DurationSeconds, v.Status, v.Order, v.MediaUrl))]));
    }

    private static ProblemHttpResult LinkNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Share link not found.",
        detail: "This link is wrong or no longer shared. Ask the owner for a new one.");
}
