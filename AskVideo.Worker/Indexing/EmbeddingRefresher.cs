using AskVideo.Core.AI;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// Keeps every completed video's scenes embedded by the configured model: on start and every
/// <c>Embeddings:RefreshInterval</c> it indexes again, video by video in id order, the videos that
/// have a scene whose <c>EmbeddingModel</c> is another model or none (a model change, an edit
/// indexed while the embedding service was down, scenes from before embeddings were configured).
/// It builds scenes only through <see cref="SceneIndexer"/>, as index jobs do, so a new model also
/// splits the transcript on its own vectors. Videos with an index job still to run are left to
/// it. New scenes are written only if the video's segments are still those that were indexed.
/// One replica sweeps at a time (a PostgreSQL advisory lock); the embedding calls happen outside
/// any transaction.
/// </summary>
public sealed partial class EmbeddingRefresher(
    IServiceScopeFactory scopes,
    SceneEmbedder embedder,
    SceneIndexer indexer,
    IOptions<EmbeddingOptions> options,
    TimeProvider time,
    ILogger<EmbeddingRefresher> logger) : BackgroundService
{
    /// <summary>The advisory lock key of the sweep ("AVEMBED" in ASCII); locks are per database.</summary>
    public const long LockKey = 0x41_56_45_4D_42_45_44;

    /// <summary>Videos read per query of a sweep; each is then indexed on its own.</summary>
    private const int VideosPerQuery = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!embedder.IsEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                // An HTTP timeout is an OperationCanceledException too: only the host's stop ends the loop.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRefreshFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep; returns how many videos were indexed again, or null when another replica is sweeping.</summary>
    public async Task<int?> RefreshAsync(CancellationToken cancellationToken)
    {
        var model = embedder.Model ?? throw new InvalidOperationException("The embedding model has no name.");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // A session lock needs one connection for the whole sweep.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({LockKey}) AS \"Value\"").SingleAsync(cancellationToken))
            {
                return null;
            }
            try
            {
                return await SweepAsync(db, model, cancellationToken);
            }
            finally
            {
                await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({LockKey}) AS \"Value\"").SingleAsync(CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<int> SweepAsync(AppDbContext db, string model, CancellationToken cancellationToken)
    {
        var reindexed = 0;
        var after = 0;
        while (true)
        {
            // Videos with a scene of another model or none, and no index job to come (it indexes them anyway).
            var videoIds = await db.Videos.AsNoTracking()
                .Where(v => v.Id > after && v.Status == VideoStatus.Completed
                    && db.Scenes.Any(s => s.VideoId == v.Id && s.EmbeddingModel != model)
                    && !db.Jobs.Any(j => j.VideoId == v.Id && j.Kind == JobKind.Index
                        && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running)))
                .OrderBy(v => v.Id)
                .Select(v => v.Id)
                .Take(VideosPerQuery)
                .ToListAsync(cancellationToken);
            if (videoIds.Count == 0)
            {
                break;
            }
            foreach (var videoId in videoIds)
            {
                if (await ReindexAsync(db, videoId, cancellationToken))
                {
                    reindexed++;
                }
            }
            after = videoIds[^1];
        }
        if (reindexed > 0)
        {
            LogRefreshed(reindexed, model);
        }
        return reindexed;
    }

    /// <summary>Builds and embeds the video's scenes again; false when the service refused its text or the video changed meanwhile.</summary>
    private async Task<bool> ReindexAsync(AppDbContext db, int videoId, CancellationToken cancellationToken)
    {
        if (await IndexedTranscript.ReadAsync(db, videoId, cancellationToken) is not { } transcript)
        {
            return false;
        }
        IReadOnlyList<Scene> scenes;
        try
        {
            scenes = await indexer.IndexAsync(videoId, transcript.Segments, transcript.Language, cancellationToken);
        }
        catch (System.ClientModel.ClientResultException ex) when (ex.Status is 400 or 413 or 422)
        {
            // The service refuses this text, not the key: skip it so the rest of the sweep goes on.
            LogVideoRefused(ex, videoId);
            return false;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A video edited or transcribed meanwhile keeps what its writer stored.
        var replaced = await transcript.TryReplaceScenesAsync(db, scenes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return replaced;
    }

    [LoggerMessage(LogLevel.Warning, "The embedding service refused the transcript of video {VideoId}; it is tried again next sweep")]
    private partial void LogVideoRefused(Exception exception, int videoId);

    [LoggerMessage(LogLevel.Information, "Indexed {Count} videos again with {Model}")]
    private partial void LogRefreshed(int count, string model);

    [LoggerMessage(LogLevel.Warning, "Embedding refresh failed; trying again next interval")]
    private partial void LogRefreshFailed(Exception exception);
}
