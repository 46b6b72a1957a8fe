using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Infrastructure;

/// <summary>
/// What holding a job's lease means, for Jobs (which takes, extends and gives up leases) and for the
/// stages that store a job's results (which end it in their own transaction). A lease is one take of
/// a job: this worker as owner, and the attempt it took. A worker that stalled past its lease can
/// therefore overwrite neither the work of another worker that took over, nor that of its own later
/// attempt at the same job.
/// </summary>
/// <param name="owner">
/// This worker's name, read when first needed: it comes from validated settings, and reading them
/// while services are built would report only the first invalid setting instead of all of them at start.
/// </param>
public sealed class JobLeases(Func<string> owner)
{
    /// <summary>This worker's name, written on the jobs it takes.</summary>
    public string Owner => owner();

    /// <summary>
    /// The job, only while the lease taken as <paramref name="job"/> is held. Every take counts an
    /// attempt, so the attempt number tells this worker's takes of the same job apart.
    /// </summary>
    public IQueryable<Job> Held(AppDbContext db, Job job)
    {
        var (owner, id, attempt) = (Owner, job.Id, job.Attempts);
        return db.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Running && j.LeaseOwner == owner && j.Attempts == attempt);
    }

    /// <summary>
    /// Marks the job succeeded, inside the caller's transaction, so that its results and its state
    /// commit together or not at all. False (nothing written) when this worker no longer holds the lease.
    /// </summary>
    public async Task<bool> TrySucceedAsync(AppDbContext db, Job job, DateTimeOffset now, CancellationToken cancellationToken) =>
        await Held(db, job).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Status, JobStatus.Succeeded)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.LastError, (string?)null)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken) == 1;
}
