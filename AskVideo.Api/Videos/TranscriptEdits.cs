using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
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
}

public sealed record TranscriptEditResult(TranscriptEditOutcome Outcome, IReadOnlyList<int> UnknownIndexes)
{
    public static TranscriptEditResult Of(TranscriptEditOutcome outcome) => new(outcome, []);
}

/// <summary>
/// Applies edited segment texts and queues the transcript's re-indexing. ONE transaction locks the
/// video row (as every writer of segments does), checks that the video is completed, writes the
/// segments and the video's text, shows stage <c>index</c>, and adds an index job (the outbox);
/// the job is published after commit. No scene is built here: the Worker's index job reads the
/// segments as they are when it runs and replaces the scenes, so the video stays completed and
/// searchable with its old scenes until then, and of two quick edits the later text wins.
/// </summary>
public sealed class TranscriptEdits(AppDbContext db, VideoJobs jobs, TimeProvider clock)
{
    public async Task<TranscriptEditResult> ApplyAsync(int ownerId, int videoId, IReadOnlyList<SegmentEdit> edits, CancellationToken cancellationToken)
    {
        var texts = edits.ToDictionary(e => e.Index!.Value, e => e.Text!.Trim());
        var now = clock.GetUtcNow();
        Job job;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var videos = db.Videos.OwnedBy(ownerId).Where(v => v.Id == videoId);
            // Locks the row: segments cannot change under the edit, and nothing is written unless
            // the whole edit is valid (the transaction is rolled back otherwise).
            var locked = await videos.Where(v => v.Status == VideoStatus.Completed)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(v => v.ProgressStage, VideoStages.Index)
                    .SetProperty(v => v.ProgressPercent, VideoStages.IndexQueuedPercent)
                    .SetProperty(v => v.ErrorMessage, (string?)null)
                    .SetProperty(v => v.UpdatedAt, now), cancellationToken);
            if (locked == 0)
            {
                return TranscriptEditResult.Of(await videos.AnyAsync(cancellationToken)
                    ? TranscriptEditOutcome.NotReady
                    : TranscriptEditOutcome.NotFound);
            }

            var segments = await db.TranscriptSegments.AsNoTracking().Where(s => s.VideoId == videoId)
                .OrderBy(s => s.Index).Select(s => new { s.Index, s.Text }).ToListAsync(cancellationToken);
            var known = segments.Select(s => s.Index).ToHashSet();
            if (texts.Keys.Where(i => !known.Contains(i)).Order().ToList() is { Count: > 0 } unknown)
            {
                return new TranscriptEditResult(TranscriptEditOutcome.UnknownIndexes, unknown);
            }

            foreach (var (index, newText) in texts)
            {
                await db.TranscriptSegments.Where(s => s.VideoId == videoId && s.Index == index)
                    .ExecuteUpdateAsync(set => set.SetProperty(s => s.Text, newText), cancellationToken);
            }
            var text = string.Join(' ', segments.Select(s => texts.GetValueOrDefault(s.Index, s.Text)));
            await videos.ExecuteUpdateAsync(set => set.SetProperty(v => v.TranscriptText, text), cancellationToken);
            job = jobs.Add(videoId, JobKind.Index);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await jobs.PublishAsync(job);
        return TranscriptEditResult.Of(TranscriptEditOutcome.Saved);
    }
}
