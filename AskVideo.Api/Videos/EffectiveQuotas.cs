using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Videos;

public static class EffectiveQuotas
{
    /// <summary>The configured limits with the user's overrides (set by an administrator) on top.</summary>
    public static async Task<QuotaOptions> QuotasForAsync(this AppDbContext db, QuotaOptions defaults, int userId, CancellationToken cancellationToken)
    {
        var overrides = await db.UserQuotas.AsNoTracking().SingleOrDefaultAsync(q => q.UserId == userId, cancellationToken);
        return overrides is null
            ? defaults
            : new QuotaOptions
            {
                MaxVideos = overrides.MaxVideos ?? defaults.MaxVideos,
                MaxStorageBytes = overrides.MaxStorageBytes ?? defaults.MaxStorageBytes,
                MaxProcessingMinutesPerMonth = overrides.MaxProcessingMinutesPerMonth ?? defaults.MaxProcessingMinutesPerMonth,
                MaxAnswersPerMonth = overrides.MaxAnswersPerMonth ?? defaults.MaxAnswersPerMonth,
            };
    }
}
