using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

/// <summary>
/// A deactivated owner's share links stop answering: a request that carries a share token (the
/// <c>/api/share/{token}/</c> page, or <c>?share_token=</c> on chat and media) of such a group gets
/// the same 404 as a revoked link. The links come back with the account.
/// </summary>
internal sealed class DeactivatedShareLinks(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AppDbContext db)
    {
        var token = context.Request.Query["share_token"].FirstOrDefault()
            ?? (context.Request.Path.StartsWithSegments("/api/share", StringComparison.OrdinalIgnoreCase)
                ? context.GetRouteValue("token") as string : null);
        if (!string.IsNullOrEmpty(token) && token.Length <= 200)
        {
            var ownerDeactivated = await db.VideoGroups.AsNoTracking().Where(g => g.ShareToken == token)
                .AnyAsync(g => db.Users.Any(u => u.Id == g.OwnerId && u.DeactivatedAt != null), context.RequestAborted);
            if (ownerDeactivated)
            {
                await TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Share link not found.",
                    detail: "This link is wrong or no longer shared. Ask the owner for a new one.").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }
}
