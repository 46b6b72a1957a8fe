using System.Diagnostics;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.ServiceDefaults;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// Runs an index job (queued by a transcript edit): reads the video's segments as they are now,
/// builds and embeds its scenes with <see cref="SceneIndexer"/> outside any transaction, then in
/// ONE transaction the job succeeds and the scenes are replaced, if the segments are still the ones
/// that were read (<see cref="IndexedTranscript"/>). The video stays completed throughout; its
/// progress shows stage <c>index</c> until the last pending index job is done. Running twice leaves
/// one set of scenes. When the embedding service fails on the last attempt (or for good), the
/// scenes are stored without embeddings so the edit is searchable by its words, and the
/// <see cref="EmbeddingRefresher"/> embeds them later.
/// </summary>
public sealed partial class ReindexPipeline(
    IServiceScopeFactory scopes,
    SceneIndexer indexer,
    JobLeases leases,
    VideoProgress progress,
    TimeProvider time,
    ILogger<ReindexPipeline> logger)
{
    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        using var stage = Telemetry.Source.StartActivity(VideoStages.Index);
        IndexedTranscript? transcript;
        await using (var scope = scopes.CreateAsyncScope())
        {
            transcript = await IndexedTranscript.ReadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), job.VideoId, cancellationToken);
        }

        IReadOnlyList<Scene> scenes = [];
        if (transcript is not null)
        {
            await progress.ReportReindexAsync(job.VideoId, cancellationToken);
            scenes = await BuildAsync(job, transcript, cancellationToken);
        }

        var now = time.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await leases.TrySucceedAsync(db, job, now, cancellationToken))
            {
                throw new LeaseLostException(job.Id);
            }
            // Not completed any more (transcribed again), or edited since the read: whoever changed
            // it writes the scenes (an edit queues its own job), so this run has nothing to store.
            if (transcript is null || !await transcript.TryReplaceScenesAsync(db, scenes, cancellationToken))
            {
                LogSuperseded(job.Id, job.VideoId);
                stage?.SetTag("askvideo.index.superseded", true);
            }
            // Done, unless a later edit's job is still to run.
            await db.Videos
                .Where(v => v.Id == job.VideoId && v.Status == VideoStatus.Completed && !db.Jobs.Any(j =>
                    j.VideoId == job.VideoId && j.Kind == JobKind.Index && j.Id > job.Id
                    && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running)))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(v => v.ProgressStage, VideoStages.Completed)
                    .SetProperty(v => v.ProgressPercent, VideoStages.CompletedPercent)
                    .SetProperty(v => v.ErrorMessage, (string?)null)
                    .SetProperty(v => v.UpdatedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<Scene>> BuildAsync(Job job, IndexedTranscript transcript, CancellationToken cancellationToken)
    {
        try
        {
            return await indexer.IndexAsync(transcript.VideoId, transcript.Segments, transcript.Language, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = EmbeddingFailures.Classify(ex);
            if (!failure.Permanent && job.Attempts < job.MaxAttempts)
            {
                Activity.Current?.SetStatus(ActivityStatusCode.Error, failure.UserMessage);
                throw failure;
            }
            // The edit must become searchable even while the service is down or refuses it.
            LogStoredWithoutEmbeddings(failure, job.VideoId);
            return indexer.Build(transcript.VideoId, transcript.Segments, transcript.Language);
        }
    }

    [LoggerMessage(LogLevel.Information, "Index job {JobId} of video {VideoId} found the transcript changed since; a later job indexes it")]
    private partial void LogSuperseded(long jobId, int videoId);

    [LoggerMessage(LogLevel.Warning,
        "The edited transcript of video {VideoId} could not be embedded; its scenes are stored without embeddings until the refresher embeds them")]
    private partial void LogStoredWithoutEmbeddings(Exception exception, int videoId);
}
