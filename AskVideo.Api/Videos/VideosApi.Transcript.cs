using System.Security.Claims;
using System.Text;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Videos;

public static partial class VideosApi
{
    /// <summary>
    /// GET /api/videos/{id}/transcript/?format=json|txt|srt|vtt (json by default). A video that has
    /// no transcript yet answers 404, with its status in the detail.
    /// </summary>
    internal static async Task<Results<Ok<TranscriptResponse>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Transcript(
        int id, string? format, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        format = format?.ToLowerInvariant() ?? "json";
        if (!TranscriptFiles.Formats.Contains(format))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["format"] = [$"One of: {string.Join(", ", TranscriptFiles.Formats)}."] },
                title: "Some fields are not valid.");
        }

        // Two reads, the video row once and then its segments: one joined read repeats the row, with its
        // whole transcript text, for every segment (a third of the throughput for a 5-minute lecture).
        var video = await db.Videos.AsNoTracking().OwnedBy(principal.UserId()).Include(v => v.Segments).AsSplitQuery()
            .SingleOrDefaultAsync(v => v.Id == id, cancellationToken);
        if (video is null)
        {
            return VideoNotFound();
        }
        if (video.ToTranscript() is not { } transcript)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This video has no transcript yet.",
                detail: $"The video is {VideoRules.Name(video.Status)}. Its transcript is available once it is completed.");
        }

        return format switch
        {
            "txt" => Download(TranscriptFiles.ToText(transcript), "text/plain; charset=utf-8", video.Title, id, format),
            "srt" => Download(TranscriptFiles.ToSrt(transcript), "application/x-subrip; charset=utf-8", video.Title, id, format),
            "vtt" => Download(TranscriptFiles.ToVtt(transcript), "text/vtt; charset=utf-8", video.Title, id, format),
            _ => TypedResults.Ok(transcript),
        };
    }

    /// <summary>
    /// PATCH /api/videos/{id}/transcript/ with <c>{"segments": [{"index": 3, "text": "..."}]}</c>:
    /// stores the new texts and queues the transcript's re-indexing (scenes, full-text, embeddings)
    /// in one transaction. 202 with the transcript as GET now returns it and <c>index_status</c>
    /// <c>pending</c>, Location the video (whose progress, and events, show stage <c>index</c>
    /// until the Worker has stored the new scenes; chat searches the previous text until then);
    /// 409 while the video is not completed; 400 naming the fields, or the indexes the transcript
    /// does not have, and then nothing changes.
    /// </summary>
    internal static async Task<Results<Accepted<TranscriptEditResponse>, ValidationProblem, ProblemHttpResult>> EditTranscript(
        int id, EditTranscriptRequest request, ClaimsPrincipal principal, AppDbContext db, TranscriptEdits edits,
        IOptions<TranscriptEditOptions> options, CancellationToken cancellationToken)
    {
        var ownerId = principal.UserId();
        // The video first: another user's video is a 404 whatever the body says.
        if (!await db.Videos.OwnedBy(ownerId).AnyAsync(v => v.Id == id, cancellationToken))
        {
            return VideoNotFound();
        }
        if (request.Validate(options.Value) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Some fields are not valid.");
        }

        var result = await edits.ApplyAsync(ownerId, id, [.. request.Segments!.Select(s => s!)], cancellationToken);
        switch (result.Outcome)
        {
            case TranscriptEditOutcome.NotFound:
                return VideoNotFound();
            case TranscriptEditOutcome.NotReady:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The transcript is not ready.",
                    detail: "Only the transcript of a completed video can be edited. Wait until the video is completed.");
            case TranscriptEditOutcome.UnknownIndexes:
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]>
                    {
                        ["segments"] = [$"The transcript has no segment with index {EditTranscriptRequest.IndexList(result.UnknownIndexes)}."],
                    },
                    title: "Some fields are not valid.", detail: "Nothing was changed.");
        }

        // Two reads, the video row once and then its segments: one joined read repeats the row, with its
        // whole transcript text, for every segment (a third of the throughput for a 5-minute lecture).
        var video = await db.Videos.AsNoTracking().OwnedBy(ownerId).Include(v => v.Segments).AsSplitQuery()
            .SingleOrDefaultAsync(v => v.Id == id, cancellationToken);
        return video?.ToTranscript() is { } transcript
            ? TypedResults.Accepted($"/api/videos/{id}/", TranscriptEditResponse.Queued(transcript))
            : VideoNotFound(); // Deleted in the meantime.
    }

    /// <summary>
    /// GET /api/videos/{id}/events/: Server-Sent Events named <c>status</c> with
    /// <c>{status, progress {stage, percent}, error_message}</c>, first the current state, then each
    /// change; the stream ends after <c>completed</c> (once no re-index is pending: a completed
    /// video at stage <c>index</c> is followed until its new scenes are stored) or <c>error</c>.
    /// </summary>
    internal static async Task<Results<ServerSentEventsResult<VideoStatusEvent>, ProblemHttpResult>> Events(
        int id, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Videos.OwnedBy(principal.UserId()).AnyAsync(v => v.Id == id, cancellationToken))
        {
            return VideoNotFound();
        }
        return TypedResults.ServerSentEvents(VideoEvents.WatchAsync(db, id, cancellationToken), eventType: "status");
    }

    private static FileContentHttpResult Download(string content, string contentType, string title, int id, string extension) =>
        TypedResults.File(Encoding.UTF8.GetBytes(content), contentType, TranscriptFiles.DownloadName(title, id, extension));
}
