using AskVideo.Api.Infrastructure;
using AskVideo.Api.Videos;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using AskVideo.Core.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>GET /api/admin/users/: every account, newest first, with its usage and last sign-in.</summary>
    internal static async Task<Ok<AdminUserListResponse>> ListUsers(
        [AsParameters] AdminUserListQuery query, AppDbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + LikePattern(query.Q.Trim().ToUpperInvariant()) + "%";
            users = users.Where(u => EF.Functions.Like(u.NormalizedUserName!, pattern, "\\")
                || EF.Functions.Like(u.NormalizedEmail!, pattern, "\\"));
        }
        var count = await users.CountAsync(cancellationToken);
        var (limit, offset) = (Paging.Limit(query.Limit), Paging.Offset(query.Offset));
        var page = await users.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken);
        var results = await DescribeAsync(db, page, cancellationToken);
        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new AdminUserListResponse(count, next, previous, results));
    }

    /// <summary>GET /api/admin/users/{id}/.</summary>
    internal static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> GetUser(
        int id, AppDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? UserNotFound() : TypedResults.Ok((await DescribeAsync(db, [user], cancellationToken))[0]);
    }

    /// <summary>
    /// POST /api/admin/users/{id}/deactivate/: the account cannot sign in, its refresh tokens are
    /// revoked now, its access tokens are refused within <c>Admin:UserStatusCacheDuration</c>,
    /// and its share links answer 404. Nothing is deleted. Deactivating an inactive account changes nothing.
    /// </summary>
    internal static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> DeactivateUser(
        int id, AppDbContext db, UserStatusCache statuses, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.UserId() == id)
        {
            return Conflict("You cannot deactivate yourself.",
                "An administrator deactivating their own account could lock every operator out. Ask another administrator.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound();
        }
        if (user.DeactivatedAt is null)
        {
            var now = DateTimeOffset.UtcNow;
            user.DeactivatedAt = now;
            var revoked = await db.RefreshTokens.Where(t => t.UserId == id && t.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), cancellationToken);
            AdminAudit.Record(db, http, "user.deactivate", "user", id, $"{user.UserName}; {revoked} refresh tokens revoked");
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        statuses.Forget(id);
        return TypedResults.Ok((await DescribeAsync(db, [user], cancellationToken))[0]);
    }

    /// <summary>POST /api/admin/users/{id}/reactivate/: signing in works again, and so do the share links.</summary>
    internal static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> ReactivateUser(
        int id, AppDbContext db, UserStatusCache statuses, HttpContext http, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound();
        }
        if (user.DeactivatedAt is not null)
        {
            user.DeactivatedAt = null;
            AdminAudit.Record(db, http, "user.reactivate", "user", id, user.UserName);
            await db.SaveChangesAsync(cancellationToken);
        }
        statuses.Forget(id);
        return TypedResults.Ok((await DescribeAsync(db, [user], cancellationToken))[0]);
    }

    /// <summary>POST /api/admin/users/{id}/verify-email/: marks the email address verified by hand.</summary>
    internal static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> VerifyEmail(
        int id, AppDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound();
        }
        if (!user.EmailConfirmed)
        {
            user.EmailConfirmed = true;
            AdminAudit.Record(db, http, "user.verify_email", "user", id, user.Email);
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok((await DescribeAsync(db, [user], cancellationToken))[0]);
    }

    /// <summary>
    /// DELETE /api/admin/users/{id}/ <c>{confirm_username}</c>: deletes the account and everything
    /// it owns, as account deletion does (rows by cascade, then the media files). 204; 400 when the
    /// username typed again does not match; 409 for oneself.
    /// </summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteUser(
        int id, [FromBody] AdminDeleteUserRequest request, AppDbContext db, UserManager<User> users, IMediaStorage storage,
        UserStatusCache statuses, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.UserId() == id)
        {
            return Conflict("You cannot delete yourself here.", "Delete your own account at DELETE /api/auth/me/.");
        }
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound();
        }
        if (!string.Equals(user.UserName, request.ConfirmUsername, StringComparison.Ordinal))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["confirm_username"] = ["Type the username of the account to delete, exactly."] },
                title: "The account was not deleted.");
        }
        var storageKeys = await db.Videos.Where(v => v.OwnerId == id).Select(v => v.StorageKey).ToListAsync(cancellationToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            AdminAudit.Record(db, http, "user.delete", "user", id, $"{user.UserName} <{user.Email}>; {storageKeys.Count} videos");
            // Tokens, videos, transcripts, groups and jobs go with the user (cascade); the audit row is saved with it.
            var deleted = await users.DeleteAsync(user);
            if (!deleted.Succeeded)
            {
                return Conflict("The account was not deleted.", string.Join(" ", deleted.Errors.Select(e => e.Description)));
            }
            await transaction.CommitAsync(cancellationToken);
        }
        statuses.Forget(id);
        await storage.DeleteAsync(storageKeys, CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static async Task<List<AdminUserResponse>> DescribeAsync(AppDbContext db, IReadOnlyList<User> users, CancellationToken cancellationToken)
    {
        var ids = users.Select(u => u.Id).ToList();
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var month = new DateOnly(now.Year, now.Month, 1);

        var videos = await db.Videos.AsNoTracking().Where(v => ids.Contains(v.OwnerId)).GroupBy(v => v.OwnerId)
            .Select(g => new
            {
                OwnerId = g.Key,
                Count = g.Count(),
                Bytes = g.Sum(v => v.SizeBytes),
                Seconds = g.Where(v => v.CreatedAt >= monthStart).Sum(v => v.DurationSeconds ?? 0),
            })
            .ToDictionaryAsync(v => v.OwnerId, cancellationToken);
        var answers = await db.AnswerUsage.AsNoTracking().Where(u => ids.Contains(u.UserId) && u.Month == month)
            .ToDictionaryAsync(u => u.UserId, u => u.Count, cancellationToken);
        var adminRole = Roles.Admin.ToUpperInvariant();
        var admins = await db.UserRoles.AsNoTracking()
            .Where(r => ids.Contains(r.UserId) && db.Roles.Any(role => role.Id == r.RoleId && role.NormalizedName == adminRole))
            .Select(r => r.UserId).ToListAsync(cancellationToken);

        return [.. users.Select(u =>
        {
            var usage = videos.TryGetValue(u.Id, out var v)
                ? new UserUsage(v.Count, v.Bytes, Math.Round(v.Seconds / 60, 2), answers.GetValueOrDefault(u.Id))
                : new UserUsage(0, 0, 0, answers.GetValueOrDefault(u.Id));
            return new AdminUserResponse(u.Id, u.UserName ?? "", u.Email ?? "", u.EmailConfirmed, admins.Contains(u.Id),
                u.DeactivatedAt is null, u.CreatedAt, u.DeactivatedAt, u.LastSignInAt, usage);
        })];
    }

    private static string LikePattern(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static ProblemHttpResult UserNotFound() => NotFound("There is no user with this id.");
}
