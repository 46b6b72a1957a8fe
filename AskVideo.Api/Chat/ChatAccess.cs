using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Chat;

/// <summary>Who is asking about a group: its signed-in owner, or a guest holding its share token.</summary>
public sealed record ChatCaller(int GroupId, int OwnerId, bool IsGuest);

public static class ChatAccess
{
    /// <summary>
    /// The caller's access to <paramref name="groupId"/>: the owner by access token, otherwise a
    /// guest whose share token is that group's current one. A share token never opens another
    /// group. Null when neither holds (answered as 404, so a group's existence is not revealed).
    /// </summary>
    public static async Task<ChatCaller?> ResolveAsync(
        AppDbContext db, ClaimsPrincipal principal, int groupId, string? shareToken, CancellationToken cancellationToken)
    {
        if (principal.TryGetUserId(out var userId)
            && await db.VideoGroups.AnyAsync(g => g.Id == groupId && g.OwnerId == userId, cancellationToken))
        {
            return new ChatCaller(groupId, userId, IsGuest: false);
        }
        var shared = await db.FindSharedGroupAsync(shareToken, cancellationToken);
        return shared?.Id == groupId ? new ChatCaller(groupId, shared.OwnerId, IsGuest: true) : null;
    }

    /// <summary>Neither signed in nor holding a share token.</summary>
    public static bool IsAnonymous(ClaimsPrincipal principal, string? shareToken) =>
        !principal.TryGetUserId(out _) && shareToken is null;

    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required.",
        detail: "Send an access token, or the group's share_token in the query string.");

    public static ProblemHttpResult GroupNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Group not found.",
        detail: "There is no group with this id that you own or hold a share link for.");
}
