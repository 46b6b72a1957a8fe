using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Worker.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Jobs;

public enum LeaseResult
{
    /// <summary>This worker now holds the job.</summary>
    Taken,
    /// <summary>The job succeeded or failed already: the entry is a leftover.</summary>
    Finished,
    /// <summary>The job no longer exists (its video was deleted).</summary>
    Gone,
    /// <summary>Another live worker holds the job; its entry stays unacknowledged.</summary>
    HeldElsewhere,
    /// <summary>
    /// The job waits out the backoff of a failed attempt: the entry is a copy that came early, and
    /// the relay publishes the job when it is due.
    /// </summary>
    NotDue,
}

/// <summary>
/// The job state machine in PostgreSQL. Every change after the lease is taken is conditional on
/// this very lease still being held: this worker as owner, and the attempt it took. A worker that
/// stalled past its lease can therefore overwrite neither the work of another worker that took
/// over, nor that of its own later attempt at the same job.
/// </summary>
public sealed class JobStore(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, JobLeases leases, TimeProvider time)
{
    private WorkerOptions Options => options.Value;
    private string Owner => leases.Owner;

    /// <summary>
    /// Takes the lease with one conditional UPDATE: a pending job, or a running one whose lease
    /// expired (its worker died). Every take counts as an attempt, so a file that kills its worker
    /// each time still ends after the job's <see cref="Job.MaxAttempts"/>.
    /// A job waiting out the backoff of a failed attempt (pending after an attempt) is not taken
    /// before its retry time, however early an entry for it arrives; a new job (no attempt yet) is
    /// taken at once, since its <c>NotBefore</c> is the publish grace period, which only holds the
    /// relay back while the Api publishes it.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="dueAt">The retry time the entry was published for, if the relay published it as due.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<(LeaseResult Result, Job? Job)> TryTakeAsync(long jobId, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Lease times come from the database's clock (now()), evaluated when the row is locked:
        // neither a slow first query nor clock skew between workers can shorten a lease.
        var lease = Options.ClaimIdleTime;
        var owner = Owner;
        // Retry times are written with the workers' clock (RetryLaterAsync) and the relay publishes
        // by it, so they are read by it here too, not by the database's. An entry the relay
        // published for the job's very retry time is due whatever this clock says: the relay's
        // worker may run a little ahead of this one, and its entry must not be dropped as early
        // (the relay records the publish, so nothing would publish the job again).
        var now = time.GetUtcNow();
        var taken = await db.Jobs
            .Where(j => j.Id == jobId
                && ((j.Status == JobStatus.Pending && (j.Attempts == 0 || j.NotBefore <= now || j.NotBefore == dueAt))
                    || (j.Status == JobStatus.Running && j.LeaseExpiresAt < DateTimeOffset.UtcNow)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.LeaseOwner, owner)
                .SetProperty(j => j.LeaseExpiresAt, j => DateTimeOffset.UtcNow + lease)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.StartedAt, j => DateTimeOffset.UtcNow)
                .SetProperty(j => j.UpdatedAt, j => DateTimeOffset.UtcNow), cancellationToken);

        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        var result = (taken, job) switch
        {
            (1, not null) => LeaseResult.Taken,
            (_, null) => LeaseResult.Gone,
            (_, { Status: JobStatus.Succeeded or JobStatus.Failed }) => LeaseResult.Finished,
            (_, { Status: JobStatus.Pending, Attempts: > 0 }) when job.NotBefore > now && job.NotBefore != dueAt => LeaseResult.NotDue,
            _ => LeaseResult.HeldElsewhere,
        };
        if (result == LeaseResult.NotDue)
        {
            // The entry is dropped and the relay publishes only unpublished jobs: make sure this
            // one is, whoever published the early copy and recorded it.
            await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Pending && j.Attempts > 0 && j.PublishedAt != null)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.PublishedAt, (DateTimeOffset?)null), cancellationToken);
        }
        return (result, job);
    }

    /// <summary>
    /// Runs the lease queries once against no job, so that the first real job does not pay for
    /// building the model and compiling them while its lease is already running.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await TryTakeAsync(0, null, cancellationToken);
        await ExtendAsync(new Job { Id = 0 }, cancellationToken);
    }

    /// <summary>Extends the lease; false when this worker no longer holds it.</summary>
    public async Task<bool> ExtendAsync(Job job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lease = Options.ClaimIdleTime;
        return await leases.Held(db, job)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseExpiresAt, j => DateTimeOffset.UtcNow + lease), cancellationToken) == 1;
    }

    /// <summary>Back to pending with a backoff; the relay republishes it when due. The video keeps processing.</summary>
    public async Task<bool> RetryLaterAsync(Job job, string error, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var held = await leases.Held(db, job).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Status, JobStatus.Pending)
            .SetProperty(j => j.PublishedAt, (DateTimeOffset?)null)
            .SetProperty(j => j.NotBefore, notBefore)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.LastError, Truncate(error, 2000))
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        if (held == 0)
        {
            return false;
        }
        // An index job's video stays completed (and at stage index) while the job waits.
        await db.Videos.Where(v => v.Id == job.VideoId && job.Kind == JobKind.Transcribe).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Processing)
            .SetProperty(v => v.ProgressStage, VideoStages.Retrying)
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Dead-letters the job (kept, failed) and puts the video in error with a message its owner can
    /// act on; after an index job the video stays completed, at stage <c>index_failed</c>.
    /// </summary>
    public async Task<bool> FailAsync(Job job, string error, string userMessage, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var held = await leases.Held(db, job).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Status, JobStatus.Failed)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.LastError, Truncate(error, 2000))
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        if (held == 0)
        {
            return false;
        }
        await db.Videos.Where(v => v.Id == job.VideoId && job.Kind == JobKind.Transcribe).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Error)
            .SetProperty(v => v.ProgressStage, VideoStages.Error)
            .SetProperty(v => v.ErrorMessage, Truncate(userMessage, 1000))
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        // A failed re-index leaves the video completed with its previous scenes, and says so,
        // unless a later edit's job is still to run.
        await db.Videos
            .Where(v => v.Id == job.VideoId && job.Kind == JobKind.Index && v.Status == VideoStatus.Completed && !db.Jobs.Any(j =>
                j.VideoId == job.VideoId && j.Kind == JobKind.Index && j.Id > job.Id
                && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(v => v.ProgressStage, VideoStages.IndexFailed)
                .SetProperty(v => v.ProgressPercent, VideoStages.CompletedPercent)
                .SetProperty(v => v.ErrorMessage, VideoStages.IndexFailedMessage)
                .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives an unfinished job back on shutdown: pending, due now, unpublished so the relay hands it
    /// to another worker. The attempt is not counted: the job did not fail.
    /// </summary>
    public async Task<bool> ReleaseAsync(Job job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        return await leases.Held(db, job).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Status, JobStatus.Pending)
            .SetProperty(j => j.PublishedAt, (DateTimeOffset?)null)
            .SetProperty(j => j.NotBefore, now)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.Attempts, j => j.Attempts - 1)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken) == 1;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
