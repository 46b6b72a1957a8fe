using AskVideo.Core.Data;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Videos;

public enum TranscriptEditOutcome
{
    Saved,
    NotFound,
    /// <summary>The video is not completed: it has no transcript to edit, or a new one is on its way.</summary>
    NotReady,
    UnknownIndexes,
    /// <summary>The transcript kept changing under the edit.</summary>
    Conflict,
}

public sealed record TranscriptEditResult(TranscriptEditOutcome Outcome, IReadOnlyList<int> UnknownIndexes)
{
    public static TranscriptEditResult Of(TranscriptEditOutcome outcome) => new(outcome, []);
}

/// <summary>
/// Applies edited segment texts and re-indexes the transcript. The scenes are built (and embedded,
/// a network call) from a snapshot of the transcript before any transaction opens; then ONE
/// transaction writes the segments, the video's text and its scenes, on condition that the video
/// is still completed and unchanged since the snapshot (its <c>UpdatedAt</c>). If something else
/// changed it meanwhile (another edit, a new transcript), the edit is made again on the new
/// snapshot. When the embedding service fails, the scenes are stored without embeddings so the
/// edit is not lost; the Worker's refresher embeds them later.
/// </summary>
public sealed partial class TranscriptEdits(AppDbContext db, SceneIndexer indexer, TimeProvider clock, ILogger<TranscriptEdits> logger)
{
    private const int Attempts = 3;

    public async Task<TranscriptEditResult> ApplyAsync(int ownerId, int videoId, IReadOnlyList<SegmentEdit> edits, CancellationToken cancellationToken)
    {
        var texts = edits.ToDictionary(e => e.Index!.Value, e => e.Text!.Trim());
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var video = await db.Videos.AsNoTracking().OwnedBy(ownerId).Include(v => v.Segments)
                .SingleOrDefaultAsync(v => v.Id == videoId, cancellationToken);
            if (video is null)
            {
                return TranscriptEditResult.Of(TranscriptEditOutcome.NotFound);
            }
            if (video.Status != VideoStatus.Completed)
            {
                return TranscriptEditResult.Of(TranscriptEditOutcome.NotReady);
            }
            var segments = video.Segments.OrderBy(s => s.Index).ToList();
            var known = segments.Select(s => s.Index).ToHashSet();
            if (texts.Keys.Where(i => !known.Contains(i)).Order().ToList() is { Count: > 0 } unknown)
            {
                return new TranscriptEditResult(TranscriptEditOutcome.UnknownIndexes, unknown);
            }

            var edited = segments.Select(s => new TimedText(s.Start, s.End, texts.GetValueOrDefault(s.Index, s.Text))).ToList();
            var scenes = await IndexAsync(videoId, edited, video.Language, cancellationToken);
            if (await SaveAsync(video, texts, edited, scenes, cancellationToken))
            {
                return TranscriptEditResult.Of(TranscriptEditOutcome.Saved);
            }
        }
        return TranscriptEditResult.Of(TranscriptEditOutcome.Conflict);
    }

    private async Task<IReadOnlyList<Scene>> IndexAsync(int videoId, IReadOnlyList<TimedText> segments, string? language,
        CancellationToken cancellationToken)
    {
        try
        {
            return await indexer.IndexAsync(videoId, segments, language, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogEmbeddingFailed(ex, videoId);
            return SceneIndexer.Build(videoId, segments, language);
        }
    }

    /// <summary>False when the video changed since <paramref name="snapshot"/> was read; nothing is written then.</summary>
    private async Task<bool> SaveAsync(Video snapshot, Dictionary<int, string> texts, IReadOnlyList<TimedText> edited,
        IReadOnlyList<Scene> scenes, CancellationToken cancellationToken)
    {
        var (videoId, seen) = (snapshot.Id, snapshot.UpdatedAt);
        var text = string.Join(' ', edited.Select(s => s.Text));
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locks the video row, as the Worker's store does, so transcript writes follow one another.
        var claimed = await db.Videos
            .Where(v => v.Id == videoId && v.OwnerId == snapshot.OwnerId && v.Status == VideoStatus.Completed && v.UpdatedAt == seen)
            .ExecuteUpdateAsync(set => set
                .SetProperty(v => v.TranscriptText, text)
                .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }
        foreach (var (index, newText) in texts)
        {
            await db.TranscriptSegments.Where(s => s.VideoId == videoId && s.Index == index)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.Text, newText), cancellationToken);
        }
        await db.Scenes.Where(s => s.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        db.Scenes.AddRange(scenes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    [LoggerMessage(LogLevel.Warning,
        "The edited transcript of video {VideoId} could not be embedded; its scenes are stored without embeddings until the refresher embeds them")]
    private partial void LogEmbeddingFailed(Exception exception, int videoId);
}
