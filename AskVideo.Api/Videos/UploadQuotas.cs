using System.Globalization;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Videos;

/// <summary>
/// The per-user limits of <see cref="QuotaOptions"/>. Checked once before the file is read (so a
/// user at a limit does not upload gigabytes for nothing) and once more inside the transaction that
/// inserts the video, under a per-user lock, so that concurrent uploads cannot pass a limit together.
/// </summary>
public sealed class UploadQuotas(AppDbContext db, IOptions<QuotaOptions> options, TimeProvider clock)
{
    // Namespaces the advisory lock so that it cannot meet another feature's lock on the same user id.
    private const int LockClass = 0x5649_4430; // "VID0"

    private QuotaOptions Limits => options.Value;

    /// <summary>The limits a new file of unknown size and duration would already break.</summary>
    public Task<ProblemHttpResult?> CheckBeforeUploadAsync(int ownerId, CancellationToken cancellationToken) =>
        CheckAsync(ownerId, sizeBytes: 1, durationSeconds: 0, cancellationToken);

    /// <summary>Takes the user's quota lock for the rest of the current transaction, then checks every limit.</summary>
    public async Task<ProblemHttpResult?> CheckInTransactionAsync(int ownerId, long sizeBytes, double durationSeconds, CancellationToken cancellationToken)
    {
        if (!(await db.QuotasForAsync(Limits, ownerId, cancellationToken)).Any)
        {
            return null;
        }
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockClass}, {ownerId})", cancellationToken);
        return await CheckAsync(ownerId, sizeBytes, durationSeconds, cancellationToken);
    }

    private async Task<ProblemHttpResult?> CheckAsync(int ownerId, long sizeBytes, double durationSeconds, CancellationToken cancellationToken)
    {
        var limits = await db.QuotasForAsync(Limits, ownerId, cancellationToken);
        var videos = db.Videos.AsNoTracking().OwnedBy(ownerId);

        if (limits.MaxVideos is { } maxVideos && await videos.CountAsync(cancellationToken) + 1 > maxVideos)
        {
            return Exceeded("videos", $"This account may keep at most {maxVideos} videos. Delete one to upload another.");
        }
        if (limits.MaxStorageBytes is { } maxBytes
            && await videos.SumAsync(v => v.SizeBytes, cancellationToken) + sizeBytes > maxBytes)
        {
            return Exceeded("storage", $"This account may store at most {Format(maxBytes)} of media; this file would pass that limit.");
        }
        if (limits.MaxProcessingMinutesPerMonth is { } maxMinutes)
        {
            var now = clock.GetUtcNow();
            var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            var used = await videos.Where(v => v.CreatedAt >= monthStart).SumAsync(v => v.DurationSeconds ?? 0, cancellationToken);
            if (used + durationSeconds > maxMinutes * 60.0)
            {
                return Exceeded("processing_minutes",
                    $"This account may have at most {maxMinutes} minutes of media processed per calendar month (UTC); " +
                    $"{Math.Ceiling(used / 60).ToString(CultureInfo.InvariantCulture)} are used and this file would pass the limit.");
            }
        }
        return null;
    }

    private static ProblemHttpResult Exceeded(string limit, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Upload limit reached.",
        detail: detail,
        extensions: new Dictionary<string, object?> { ["limit"] = limit });

    private static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
        _ => $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes",
    };
}
