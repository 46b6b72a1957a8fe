using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using AskVideo.Core.Storage;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Videos;

public static partial class VideosApi
{
    /// <summary>GET /api/videos/: the user's videos, a page at a time, filtered, searched and ordered.</summary>
    internal static async Task<Ok<VideoListResponse>> List(
        [AsParameters] VideoListQuery query, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls,
        HttpRequest request, CancellationToken cancellationToken)
    {
        var videos = db.Videos.AsNoTracking().OwnedBy(principal.UserId()).Matching(query.Q);
        if (query.StatusValue is { } status)
        {
            videos = videos.Where(v => v.Status == status);
        }

        var count = await videos.CountAsync(cancellationToken);
        var (limit, offset) = (query.LimitValue, query.OffsetValue);
        var page = await VideoOrdering.Apply(videos, query.Ordering).Skip(offset).Take(limit).ToListAsync(cancellationToken);

        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new VideoListResponse(
            count,
            next,
            previous,
            [.. page.Select(v => v.ToResponse(urls))]));
    }

    /// <summary>GET /api/videos/{id}/: the video with its transcript (null until there is one).</summary>
    internal static async Task<Results<Ok<VideoDetailResponse>, ProblemHttpResult>> Get(
        int id, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls, CancellationToken cancellationToken)
    {
        // Two reads, the video row once and then its segments: one joined read repeats the row, with its
        // whole transcript text, for every segment (a third of the throughput for a 5-minute lecture).
        var video = await db.Videos.AsNoTracking().OwnedBy(principal.UserId()).Include(v => v.Segments).AsSplitQuery()
            .SingleOrDefaultAsync(v => v.Id == id, cancellationToken);
        return video is null
            ? VideoNotFound()
            : TypedResults.Ok(new VideoDetailResponse(video.ToResponse(urls), video.ToTranscript()));
    }

    /// <summary>PATCH /api/videos/{id}/: title and/or description; absent fields stay as they are.</summary>
    internal static async Task<Results<Ok<VideoResponse>, ValidationProblem, ProblemHttpResult>> Update(
        int id, UpdateVideoRequest request, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var video = await db.Videos.OwnedBy(principal.UserId()).SingleOrDefaultAsync(v => v.Id == id, cancellationToken);
        if (video is null)
        {
            return VideoNotFound();
        }
        if (request.Title is not null)
        {
            video.Title = request.Title.Trim();
        }
        if (request.Description is not null)
        {
            video.Description = request.Description;
        }
        video.UpdatedAt = clock.GetUtcNow();
        // Only the changed columns are written, so progress the Worker reports meanwhile is kept.
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(video.ToResponse(urls));
    }

    /// <summary>DELETE /api/videos/{id}/: the video, its transcript and jobs (cascade), and every stored file.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        int id, ClaimsPrincipal principal, AppDbContext db, IMediaStorage storage, CancellationToken cancellationToken)
    {
        var videos = db.Videos.OwnedBy(principal.UserId()).Where(v => v.Id == id);
        var storageKey = await videos.Select(v => v.StorageKey).SingleOrDefaultAsync(cancellationToken);
        if (storageKey is null || await videos.ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return VideoNotFound();
        }
        // Rows first: a file without a row is only waste, a row without its file would be broken.
        await storage.DeleteAsync([storageKey], CancellationToken.None);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// POST /api/videos/{id}/retranscribe/: runs the pipeline again for a video that is completed or
    /// in error. 202 with the video, now pending; 409 while it is still pending or processing.
    /// </summary>
    internal static async Task<Results<Accepted<VideoResponse>, ProblemHttpResult>> Retranscribe(
        int id, ClaimsPrincipal principal, AppDbContext db, VideoJobs jobs, MediaUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var videos = db.Videos.OwnedBy(principal.UserId()).Where(v => v.Id == id);
        var now = clock.GetUtcNow();
        Core.Jobs.Job job;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // One conditional UPDATE: of two concurrent requests only one queues a job.
            var reset = await videos
                .Where(v => v.Status == VideoStatus.Completed || v.Status == VideoStatus.Error)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(v => v.Status, VideoStatus.Pending)
                    .SetProperty(v => v.ProgressStage, VideoStages.Queued)
                    .SetProperty(v => v.ProgressPercent, VideoStages.QueuedPercent)
                    .SetProperty(v => v.ErrorMessage, (string?)null)
                    .SetProperty(v => v.UpdatedAt, now), cancellationToken);
            if (reset == 0)
            {
                return await videos.AnyAsync(cancellationToken)
                    ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The video is still being processed.",
                        detail: "Only a video that is completed or in error can be transcribed again. Wait for it to finish.")
                    : VideoNotFound();
            }
            job = jobs.Add(id);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await jobs.PublishAsync(job);

        return await videos.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } video
            ? TypedResults.Accepted($"/api/videos/{id}/", video.ToResponse(urls))
            : VideoNotFound(); // Deleted in the meantime.
    }

    private static ProblemHttpResult VideoNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Video not found.", detail: "There is no video with this id in your library.");

}
