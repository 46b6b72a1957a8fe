using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Infrastructure;

/// <summary>The group a share token currently opens.</summary>
public sealed record SharedGroup(int Id, int OwnerId, string Name, string Description);

/// <summary>
/// What a share token opens: the one group whose current token it is, and that group's videos,
/// as long as the group's owner is active. Chat, Media and Sharing all ask here, so a revoked or
/// replaced token, or an owner an administrator deactivated, stops everywhere at once, and a token
/// never opens another group. Each feature answers a token that opens nothing with 404.
/// </summary>
public static class ShareAccess
{
    /// <summary>The length of every token: 32 random bytes in base64url without padding.</summary>
    public const int TokenLength = 43;

    /// <summary>
    /// True for text that could be a token. Anything else is turned away before the database is
    /// asked, so odd input never reaches a query and every lookup is an exact match on the index.
    /// </summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The group <paramref name="token"/> opens; null for a malformed, wrong or revoked token, and
    /// for a group whose owner is deactivated (the link answers again once the owner is reactivated).
    /// </summary>
    public static async Task<SharedGroup?> FindSharedGroupAsync(
        this AppDbContext db, string? token, CancellationToken cancellationToken) =>
        IsWellFormed(token)
            ? await db.GroupsOpenedBy(token).AsNoTracking()
                .Select(g => new SharedGroup(g.Id, g.OwnerId, g.Name, g.Description))
                .SingleOrDefaultAsync(cancellationToken)
            : null;

    /// <summary>
    /// The ids of the videos a holder of <paramref name="token"/> may play (the members of the group
    /// it opens), as a query to compose into the caller's own, so delivery stays one round trip.
    /// Callers check <see cref="IsWellFormed"/> first; a malformed token matches nothing here either.
    /// </summary>
    public static IQueryable<int> VideoIdsOpenedBy(this AppDbContext db, string? token)
    {
        var valid = IsWellFormed(token);
        return db.VideoGroupMembers
            .Where(m => valid && db.GroupsOpenedBy(token).Any(g => g.Id == m.GroupId))
            .Select(m => m.VideoId);
    }

    /// <summary>
    /// The one rule both lookups share: the group whose current token this is, of an owner who is
    /// not deactivated. Read in the same query, so a deactivation closes the links at once, on
    /// every replica, with no cache in between.
    /// </summary>
    private static IQueryable<VideoGroup> GroupsOpenedBy(this AppDbContext db, string? token) =>
        db.VideoGroups.Where(g => g.ShareToken == token && db.Users.Any(u => u.Id == g.OwnerId && u.DeactivatedAt == null));
}
