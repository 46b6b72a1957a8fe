using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Admin;

/// <summary>What a request needs to know about its account beyond a valid signature.</summary>
public sealed record UserStatus(bool IsActive, bool IsAdmin);

/// <summary>
/// The account status behind every access token, read from PostgreSQL at most once per
/// <see cref="AdminOptions.UserStatusCacheDuration"/> per user and replica. Access tokens are
/// stateless, so this is what makes deactivation (and a lost admin role) bite before they expire.
/// </summary>
public sealed class UserStatusCache(IMemoryCache cache, IServiceScopeFactory scopes, IOptions<AdminOptions> options)
{
    private static readonly UserStatus s_gone = new(false, false);

    public async Task<UserStatus> GetAsync(int userId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(userId), out UserStatus? known) && known is not null)
        {
            return known;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.DeactivatedAt,
                IsAdmin = db.UserRoles.Any(r => r.UserId == u.Id
                    && db.Roles.Any(role => role.Id == r.RoleId && role.NormalizedName == Roles.Admin.ToUpperInvariant())),
            })
            .SingleOrDefaultAsync(cancellationToken);
        // A deleted account is as good as a deactivated one.
        var status = row is null ? s_gone : new UserStatus(row.DeactivatedAt is null, row.IsAdmin);
        var duration = options.Value.UserStatusCacheDuration;
        if (duration > TimeSpan.Zero)
        {
            cache.Set(Key(userId), status, duration);
        }
        return status;
    }

    /// <summary>Forgets an account on this replica, after an administrator changed it.</summary>
    public void Forget(int userId) => cache.Remove(Key(userId));

    private static string Key(int userId) => $"user-status:{userId}";
}
