using AskVideo.Api.Videos;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>GET /api/admin/users/{id}/quotas/: the user's overrides and the limits in effect.</summary>
    internal static async Task<Results<Ok<AdminQuotaResponse>, ProblemHttpResult>> GetQuotas(
        int id, AppDbContext db, IOptions<QuotaOptions> defaults, CancellationToken cancellationToken) =>
        await db.Users.AnyAsync(u => u.Id == id, cancellationToken)
            ? TypedResults.Ok(await DescribeQuotasAsync(db, defaults.Value, id, cancellationToken))
            : UserNotFound();

    /// <summary>
    /// PUT /api/admin/users/{id}/quotas/: sets the overrides (null fields take the default; all null
    /// removes them). Files already stored stay; the limits apply to the next upload or answer.
    /// </summary>
    internal static async Task<Results<Ok<AdminQuotaResponse>, ValidationProblem, ProblemHttpResult>> SetQuotas(
        int id, AdminQuotaRequest request, AppDbContext db, IOptions<QuotaOptions> defaults, HttpContext http,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locks the account's row until the commit, so a deletion cannot slip in between.
        var exists = await db.Users.FromSql($"SELECT * FROM users WHERE \"Id\" = {id} FOR SHARE")
            .AnyAsync(cancellationToken);
        if (!exists)
        {
            return UserNotFound();
        }
        var empty = request is { MaxVideos: null, MaxStorageBytes: null, MaxProcessingMinutesPerMonth: null, MaxAnswersPerMonth: null };
        if (empty)
        {
            await db.UserQuotas.Where(q => q.UserId == id).ExecuteDeleteAsync(cancellationToken);
        }
        else
        {
            // One statement, so two admins setting the same user's quotas at once both succeed
            // (the last one wins) instead of one of them failing on the insert.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO user_quotas ("UserId", "MaxVideos", "MaxStorageBytes", "MaxProcessingMinutesPerMonth", "MaxAnswersPerMonth", "UpdatedAt")
                VALUES ({id}, {request.MaxVideos}, {request.MaxStorageBytes}, {request.MaxProcessingMinutesPerMonth}, {request.MaxAnswersPerMonth}, {DateTimeOffset.UtcNow})
                ON CONFLICT ("UserId") DO UPDATE SET
                    "MaxVideos" = excluded."MaxVideos", "MaxStorageBytes" = excluded."MaxStorageBytes",
                    "MaxProcessingMinutesPerMonth" = excluded."MaxProcessingMinutesPerMonth",
                    "MaxAnswersPerMonth" = excluded."MaxAnswersPerMonth", "UpdatedAt" = excluded."UpdatedAt"
                """, cancellationToken);
        }
        AdminAudit.Record(db, http, "user.quotas", "user", id, System.Text.Json.JsonSerializer.Serialize(request));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(await DescribeQuotasAsync(db, defaults.Value, id, cancellationToken));
    }

    private static async Task<AdminQuotaResponse> DescribeQuotasAsync(AppDbContext db, QuotaOptions defaults, int id, CancellationToken cancellationToken)
    {
        var overrides = await db.UserQuotas.AsNoTracking().SingleOrDefaultAsync(q => q.UserId == id, cancellationToken);
        var effective = await db.QuotasForAsync(defaults, id, cancellationToken);
        return new AdminQuotaResponse(id,
            new QuotaLimits(overrides?.MaxVideos, overrides?.MaxStorageBytes, overrides?.MaxProcessingMinutesPerMonth, overrides?.MaxAnswersPerMonth),
            new QuotaLimits(effective.MaxVideos, effective.MaxStorageBytes, effective.MaxProcessingMinutesPerMonth, effective.MaxAnswersPerMonth));
    }
}
