using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Pipeline;

/// <summary>Shows the owner which stage their video is in, and how far along.</summary>
public sealed class VideoProgress(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task ReportAsync(int videoId, string stage, int percent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Processing)
            .SetProperty(v => v.ProgressStage, stage)
            .SetProperty(v => v.ProgressPercent, percent)
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
    }

    /// <summary>A re-index is running; the video stays completed (and searchable) meanwhile.</summary>
    public async Task ReportReindexAsync(int videoId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await db.Videos.Where(v => v.Id == videoId && v.Status == VideoStatus.Completed).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.ProgressStage, VideoStages.Index)
            .SetProperty(v => v.ProgressPercent, VideoStages.IndexRunningPercent)
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
    }
}
