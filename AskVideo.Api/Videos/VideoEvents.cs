using System.Runtime.CompilerServices;
using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Videos;

/// <summary>
/// The status and progress of one video as a stream of changes: the current state at once, then
/// every change seen by polling the row, ending after a terminal state (or when the video is
/// deleted, or the client leaves). A completed video that is being re-indexed after a transcript
/// edit is followed until its new scenes are stored.
/// </summary>
public static class VideoEvents
{
    /// <summary>The Worker reports progress a few times per stage; this keeps a watcher close behind.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    public static async IAsyncEnumerable<VideoStatusEvent> WatchAsync(
        AppDbContext db, int videoId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        VideoStatusEvent? last = null;
        while (await ReadAsync(db, videoId, cancellationToken) is (var status, var stage, { } current))
        {
            if (current != last)
            {
                yield return current;
                last = current;
            }
            if (VideoRules.IsTerminal(status, stage))
            {
                yield break;
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Null when the video is gone or the client has left.</summary>
    private static async Task<(VideoStatus Status, string? Stage, VideoStatusEvent Event)?> ReadAsync(AppDbContext db, int videoId, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        try
        {
            var row = await db.Videos.AsNoTracking()
                .Where(v => v.Id == videoId)
                .Select(v => new { v.Status, v.ProgressStage, v.ProgressPercent, v.ErrorMessage })
                .SingleOrDefaultAsync(cancellationToken);
            return row is null
                ? null
                : (row.Status, row.ProgressStage, new VideoStatusEvent(VideoRules.Name(row.Status), new ProgressResponse(row.ProgressStage, row.ProgressPercent), row.ErrorMessage));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
