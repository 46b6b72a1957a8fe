using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Transcription;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Pipeline;

/// <summary>
/// Writes a transcript: in ONE transaction the job succeeds, the video's old segments are deleted,
/// the new ones inserted, the video's scenes (the passages chat searches, built beforehand by
/// <see cref="SceneIndexer"/> outside the transaction) replace the old ones, and the video is
/// completed. It owns that transaction; the job's success is written through <see cref="JobLeases"/>,
/// only while this worker still holds the lease. A job that runs twice therefore leaves exactly one
/// set of segments and scenes, and a worker that lost its lease writes nothing.
/// </summary>
public sealed class TranscriptStore(IServiceScopeFactory scopes, JobLeases leases, TimeProvider time)
{
    public async Task SaveAsync(Job job, double durationSeconds, bool hasVideo, Transcript transcript, IReadOnlyList<Scene> scenes,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var text = string.Join(' ', transcript.Segments.Select(s => s.Text));
        var language = LanguageCodes.Normalize(transcript.Language);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await leases.TrySucceedAsync(db, job, now, cancellationToken))
        {
            throw new LeaseLostException(job.Id);
        }
        // Locks the video row first, so two transcripts of one video are written one after the other.
        var found = await db.Videos.Where(v => v.Id == job.VideoId).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Completed)
            .SetProperty(v => v.ProgressStage, VideoStages.Completed)
            .SetProperty(v => v.ProgressPercent, VideoStages.CompletedPercent)
            .SetProperty(v => v.ErrorMessage, (string?)null)
            .SetProperty(v => v.TranscriptText, text)
            .SetProperty(v => v.Language, language)
            .SetProperty(v => v.DurationSeconds, durationSeconds)
            .SetProperty(v => v.HasVideoTrack, hasVideo)
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        if (found == 0)
        {
            throw new LeaseLostException(job.Id); // The video was deleted meanwhile.
        }
        await db.TranscriptSegments.Where(s => s.VideoId == job.VideoId).ExecuteDeleteAsync(cancellationToken);
        db.TranscriptSegments.AddRange(transcript.Segments.Select((s, i) => new TranscriptSegment
        {
            VideoId = job.VideoId,
            Index = i,
            Start = Math.Round(s.Start, 3),
            End = Math.Round(Math.Max(s.Start, s.End), 3),
            Text = s.Text,
        }));
        await db.Scenes.Where(s => s.VideoId == job.VideoId).ExecuteDeleteAsync(cancellationToken);
        db.Scenes.AddRange(scenes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
