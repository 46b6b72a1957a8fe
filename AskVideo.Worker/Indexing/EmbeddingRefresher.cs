using AskVideo.Core.AI;
using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// Keeps every completed video's scenes embedded by the configured model: on start and every
/// <c>Embeddings:RefreshInterval</c> it embeds, batch by batch in id order, the scenes whose
/// <c>EmbeddingModel</c> is another model or none (a model change, a transcript edit stored while
/// the embedding service was down, scenes from before embeddings were configured). A vector is
/// written only if its scene still exists with the text that was embedded. One replica sweeps at a
/// time (a PostgreSQL advisory lock); the embedding calls happen outside any transaction.
/// </summary>
public sealed partial class EmbeddingRefresher(
    IServiceScopeFactory scopes,
    SceneEmbedder embedder,
    IOptions<EmbeddingOptions> options,
    TimeProvider time,
    ILogger<EmbeddingRefresher> logger) : BackgroundService
{
    /// <summary>The advisory lock key of the sweep ("AVEMBED" in ASCII); locks are per database.</summary>
    public const long LockKey = 0x41_56_45_4D_42_45_44;

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

    /// <summary>One sweep; returns how many scenes were embedded again, or null when another replica is sweeping.</summary>
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
        var batchSize = options.Value.BatchSize;
        var updated = 0;
        long after = 0;
        while (true)
        {
            var batch = await db.Scenes.AsNoTracking()
                .Where(s => s.Id > after && s.EmbeddingModel != model
                    && db.Videos.Any(v => v.Id == s.VideoId && v.Status == VideoStatus.Completed))
                .OrderBy(s => s.Id)
                .Select(s => new { s.Id, s.Text })
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            IReadOnlyList<Pgvector.Vector> vectors;
            try
            {
                vectors = await embedder.EmbedAsync([.. batch.Select(s => s.Text)], cancellationToken);
            }
            catch (System.ClientModel.ClientResultException ex) when (ex.Status is 400 or 413 or 422)
            {
                // The service refuses these texts, not the key: skip them so the rest of the sweep goes on.
                LogBatchRefused(ex, batch[0].Id, batch[^1].Id);
                after = batch[^1].Id;
                continue;
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var (id, text, vector) = (batch[i].Id, batch[i].Text, vectors[i]);
                    // A scene replaced or edited meanwhile keeps what its writer stored.
                    updated += await db.Scenes.Where(s => s.Id == id && s.Text == text).ExecuteUpdateAsync(set => set
                        .SetProperty(s => s.Embedding, vector)
                        .SetProperty(s => s.EmbeddingModel, model), cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
            }
            after = batch[^1].Id;
        }
        if (updated > 0)
        {
            LogRefreshed(updated, model);
        }
        return updated;
    }

    [LoggerMessage(LogLevel.Warning, "The embedding service refused scenes {FirstId} to {LastId}; they are tried again next sweep")]
    private partial void LogBatchRefused(Exception exception, long firstId, long lastId);

    [LoggerMessage(LogLevel.Information, "Embedded {Count} scenes with {Model}")]
    private partial void LogRefreshed(int count, string model);

    [LoggerMessage(LogLevel.Warning, "Embedding refresh failed; trying again next interval")]
    private partial void LogRefreshFailed(Exception exception);
}
