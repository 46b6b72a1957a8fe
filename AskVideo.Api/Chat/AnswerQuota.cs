using System.Globalization;
using AskVideo.Api.Videos;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Chat;

/// <summary>
/// The monthly answer limit of <see cref="QuotaOptions.MaxAnswersPerMonth"/>: every answer to a
/// question about a user's groups, their own or a guest's, counts against that user for the
/// calendar month (UTC). The count lives in its own table, so deleting history gives nothing back.
/// </summary>
public sealed class AnswerQuota(AppDbContext db, IOptions<QuotaOptions> options, TimeProvider clock)
{
    /// <summary>A 403 when the owner has used this month's answers, null otherwise.</summary>
    public async Task<ProblemHttpResult?> CheckAsync(int ownerId, CancellationToken cancellationToken)
    {
        if ((await db.QuotasForAsync(options.Value, ownerId, cancellationToken)).MaxAnswersPerMonth is not { } limit)
        {
            return null;
        }
        var month = MonthOf(clock.GetUtcNow());
        var used = await db.AnswerUsage.Where(u => u.UserId == ownerId && u.Month == month)
            .Select(u => u.Count).SingleOrDefaultAsync(cancellationToken);
        if (used < limit)
        {
            return null;
        }
        return TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Monthly answer limit reached.",
            detail: string.Create(CultureInfo.InvariantCulture,
                $"This account's groups have had {used} of {limit} answers this month. More answers are possible from {month.AddMonths(1):yyyy-MM-dd} (UTC)."));
    }

    /// <summary>Counts one answer; call inside the transaction that stores the chat log.</summary>
    public async Task RecordAsync(int ownerId, CancellationToken cancellationToken)
    {
        var month = MonthOf(clock.GetUtcNow());
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO answer_usage ("UserId", "Month", "Count") VALUES ({ownerId}, {month}, 1)
            ON CONFLICT ("UserId", "Month") DO UPDATE SET "Count" = answer_usage."Count" + 1
            """, cancellationToken);
    }

    private static DateOnly MonthOf(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
}
