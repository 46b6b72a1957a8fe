using System.Diagnostics;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Videos;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>GET /api/admin/jobs/?status=failed: jobs, most recently changed first.</summary>
    internal static async Task<Ok<AdminJobListResponse>> ListJobs(
        [AsParameters] AdminJobListQuery query, AppDbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        var jobs = db.Jobs.AsNoTracking();
        if (query.StatusValue is { } status)
        {
            jobs = jobs.Where(j => j.Status == status);
        }
        var count = await jobs.CountAsync(cancellationToken);
        var (limit, offset) = (Paging.Limit(query.Limit), Paging.Offset(query.Offset));
        var page = await jobs.OrderByDescending(j => j.UpdatedAt).ThenByDescending(j => j.Id).Skip(offset).Take(limit)
            .Join(db.Videos, j => j.VideoId, v => v.Id, (j, v) => new { Job = j, v.OwnerId })
            .ToListAsync(cancellationToken);
        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new AdminJobListResponse(count, next, previous, [.. page.Select(p => Describe(p.Job, p.OwnerId))]));
    }

    /// <summary>
    /// POST /api/admin/jobs/{id}/retry/: a failed (dead-lettered) job starts again with all its
    /// attempts, through the normal path: committed as pending, then published (or left to the
    /// relay when Redis is down). Its video goes back to pending (a transcription) or to stage
    /// <c>index</c> (a re-index). 202 with the job.
    /// </summary>
    internal static async Task<Results<Accepted<AdminJobResponse>, ProblemHttpResult>> RetryJob(
        long id, AppDbContext db, VideoJobs publisher, HttpContext http, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        // The retry's own trace continues in the Worker.
        var traceParent = Activity.Current?.Id;
        Job job;
        int ownerId;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var found = await db.Jobs.Where(j => j.Id == id)
                .Join(db.Videos, j => j.VideoId, v => v.Id, (j, v) => new { Job = j, Video = v })
                .SingleOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                return JobNotFound();
            }
            (job, ownerId) = (found.Job, found.Video.OwnerId);
            if (job.Status != JobStatus.Failed)
            {
                return Conflict("Only a failed job can be retried.",
                    $"This job is {AdminJobListQuery.Name(job.Status)}; a pending or running one is already on its way.");
            }
            var video = found.Video;
            if (job.Kind == JobKind.Transcribe && video.Status != VideoStatus.Error)
            {
                return Conflict("The video is not in error.",
                    $"The video is {video.Status.ToString().ToLowerInvariant()} now; its owner can transcribe it again if needed.");
            }
            if (job.Kind == JobKind.Index && video.Status != VideoStatus.Completed)
            {
                return Conflict("The video is not completed.", "A re-index runs only on a completed video.");
            }

            // Conditional on the state just read, so two concurrent retries queue it once.
            var armed = await db.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Failed)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(j => j.Status, JobStatus.Pending)
                    .SetProperty(j => j.Attempts, 0)
                    .SetProperty(j => j.NotBefore, now)
                    .SetProperty(j => j.PublishedAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.StartedAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.FinishedAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.TraceParent, j => traceParent ?? j.TraceParent)
                    .SetProperty(j => j.UpdatedAt, now), cancellationToken);
            if (armed == 0)
            {
                return Conflict("Only a failed job can be retried.", "Another request retried or discarded this job just now.");
            }
            if (job.Kind == JobKind.Transcribe)
            {
                video.Status = VideoStatus.Pending;
                video.ProgressStage = VideoStages.Queued;
                video.ProgressPercent = VideoStages.QueuedPercent;
                video.ErrorMessage = null;
            }
            else
            {
                video.ProgressStage = VideoStages.Index;
                video.ProgressPercent = VideoStages.IndexQueuedPercent;
            }
            video.UpdatedAt = now;
            AdminAudit.Record(db, http, "job.retry", "job", id, $"video {video.Id}; last error: {job.LastError}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var queued = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellationToken);
        await publisher.PublishAsync(queued);
        return TypedResults.Accepted($"{Prefix}/jobs/", Describe(queued, ownerId));
    }

    /// <summary>
    /// POST /api/admin/jobs/{id}/discard/: removes a failed job from the dead letters for good; its
    /// video stays as it is. The audit row keeps what the job was and why it failed. 204.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DiscardJob(
        long id, AppDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return JobNotFound();
        }
        if (job.Status != JobStatus.Failed)
        {
            return Conflict("Only a failed job can be discarded.",
                $"This job is {AdminJobListQuery.Name(job.Status)}; discarding it would leave its video waiting for nothing.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Failed).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Conflict("Only a failed job can be discarded.", "Another request retried or discarded this job just now.");
        }
        AdminAudit.Record(db, http, "job.discard", "job", id,
            $"video {job.VideoId}; {job.Kind.ToString().ToLowerInvariant()}; {job.Attempts} attempts; last error: {job.LastError}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static AdminJobResponse Describe(Job j, int ownerId) => new(
        j.Id, j.VideoId, ownerId, j.Kind.ToString().ToLowerInvariant(), AdminJobListQuery.Name(j.Status), j.Attempts, j.MaxAttempts,
        j.LastError, j.CreatedAt, j.UpdatedAt, j.StartedAt, j.FinishedAt, j.NotBefore, j.PublishedAt);

    private static ProblemHttpResult JobNotFound() => NotFound("There is no job with this id.");
}
