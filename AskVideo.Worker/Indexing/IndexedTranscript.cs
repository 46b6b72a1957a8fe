using AskVideo.Core.Data;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// A completed video's segments as they were read for indexing, and the write that replaces its
/// scenes with the ones built from them. The write goes through only while the segments are
/// still those: a newer edit (which queued its own index job) or a new transcription wins, so a
/// slow index run can never put back the scenes of an older text.
/// </summary>
public sealed record IndexedTranscript(int VideoId, string? Language, IReadOnlyList<TimedText> Segments)
{
    /// <summary>The video's current segments; null when it is gone or not completed (a new transcript is on its way).</summary>
    public static async Task<IndexedTranscript?> ReadAsync(AppDbContext db, int videoId, CancellationToken cancellationToken)
    {
        var video = await db.Videos.AsNoTracking().Where(v => v.Id == videoId && v.Status == VideoStatus.Completed)
            .Select(v => new { v.Language }).SingleOrDefaultAsync(cancellationToken);
        return video is null ? null : new(videoId, video.Language, await SegmentsAsync(db, videoId, cancellationToken));
    }

    /// <summary>
    /// Inside the caller's transaction: locks the video row (as every writer of segments does),
    /// then replaces the scenes if the video is still completed with these segments. False, and
    /// nothing written, otherwise.
    /// </summary>
    public async Task<bool> TryReplaceScenesAsync(AppDbContext db, IReadOnlyList<Scene> scenes, CancellationToken cancellationToken)
    {
        var locked = await db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM videos WHERE "Id" = {VideoId} AND "Status" = {nameof(VideoStatus.Completed)} FOR UPDATE
            """).ToListAsync(cancellationToken);
        if (locked.Count == 0 || !(await SegmentsAsync(db, VideoId, cancellationToken)).SequenceEqual(Segments))
        {
            return false;
        }
        await db.Scenes.Where(s => s.VideoId == VideoId).ExecuteDeleteAsync(cancellationToken);
        db.Scenes.AddRange(scenes);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static async Task<List<TimedText>> SegmentsAsync(AppDbContext db, int videoId, CancellationToken cancellationToken) =>
        await db.TranscriptSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.Index)
            .Select(s => new TimedText(s.Start, s.End, s.Text)).ToListAsync(cancellationToken);
}
