using AskVideo.Core.Data;
using AskVideo.Core.Media;
using AskVideo.Core.Storage;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace AskVideo.Api.Videos;

/// <summary>
/// POST /api/videos/ from start to end: limits, streaming to storage, probing, quotas, then the
/// Video and its Job in one transaction and the publish after commit. Whatever refuses the upload,
/// nothing is left behind: no row, no file.
/// </summary>
public sealed class VideoUploads(
    AppDbContext db,
    IMediaStorage storage,
    UploadReader reader,
    UploadQuotas quotas,
    VideoJobs jobs,
    MediaUrls urls,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<VideoUploads> logger)
{
    /// <summary>Room for the multipart framing and the title and description next to the file.</summary>
    private const long MultipartAllowance = 1024 * 1024;

    public async Task<Results<Created<VideoResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpContext http, int ownerId, CancellationToken cancellationToken)
    {
        var maxFileBytes = options.Value.MaxFileBytes;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the upload as multipart/form-data.",
                detail: "Put the file in a part named file; title and description are optional text parts.");
        }
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            return ToResult(UploadRejection.Malformed("The multipart boundary is missing or longer than 70 characters."));
        }

        // The server-wide body limit is far below a video's size: this endpoint alone allows more.
        var maxBodyBytes = maxFileBytes + MultipartAllowance;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = maxBodyBytes;
        }
        if (http.Request.ContentLength > maxBodyBytes)
        {
            return ToResult(UploadRejection.TooLarge(maxFileBytes));
        }
        if (!await db.Users.AnyAsync(u => u.Id == ownerId, cancellationToken))
        {
            return AccountGone();
        }
        if (await quotas.CheckBeforeUploadAsync(ownerId, cancellationToken) is { } overLimit)
        {
            return overLimit;
        }

        var form = new UploadForm();
        try
        {
            return await StoreAsync(http.Request.Body, boundary, form, ownerId, cancellationToken);
        }
        finally
        {
            if (!form.Committed && form.StorageKey is { } key)
            {
                // Not the request's token: a client that hangs up must not leave its file behind.
                await storage.DeleteAsync([key], CancellationToken.None);
            }
        }
    }

    private async Task<Results<Created<VideoResponse>, ValidationProblem, ProblemHttpResult>> StoreAsync(
        Stream body, string boundary, UploadForm form, int ownerId, CancellationToken cancellationToken)
    {
        if (await reader.ReadAsync(body, boundary, options.Value.MaxFileBytes, form, cancellationToken) is { } rejection)
        {
            return ToResult(rejection);
        }
        if (form.StorageKey is not { } key || form.Extension is not { } extension || form.OriginalFileName is not { } fileName)
        {
            return ToResult(UploadRejection.Invalid("file", "This field is required."));
        }

        var title = string.IsNullOrWhiteSpace(form.Title) ? DefaultTitle(fileName) : form.Title.Trim();
        var description = form.Description ?? "";
        var errors = new Infrastructure.Validation.Errors()
            .MaxLength("title", title, VideoRules.TitleMaxLength)
            .MaxLength("description", description, VideoRules.DescriptionMaxLength)
            .ToDictionary();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some fields are not valid.");
        }

        var media = await MediaProbe.TryProbeAsync(storage.GetLocalPath(key), cancellationToken);
        if (media is null || !MediaFormats.Fits(extension, media))
        {
            return ToResult(UploadRejection.Unsupported(media is null
                ? "The content of the file is not audio or video."
                : $"The content of the file does not fit its extension {extension}."));
        }

        var now = clock.GetUtcNow();
        var video = new Video
        {
            OwnerId = ownerId,
            Title = title,
            Description = description,
            Status = VideoStatus.Pending,
            ProgressStage = VideoStages.Queued,
            ProgressPercent = VideoStages.QueuedPercent,
            OriginalFileName = fileName,
            StorageKey = key,
            ContentType = MediaFormats.ContentType(extension, media.HasVideo),
            SizeBytes = form.SizeBytes,
            DurationSeconds = media.DurationSeconds,
            HasVideoTrack = media.HasVideo,
            CreatedAt = now,
            UpdatedAt = now,
        };

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await quotas.CheckInTransactionAsync(ownerId, video.SizeBytes, media.DurationSeconds, cancellationToken) is { } overLimit)
            {
                return overLimit;
            }
            db.Videos.Add(video);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
            {
                return AccountGone(); // The account was deleted while its file was uploading.
            }
            var job = jobs.Add(video.Id);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            form.Committed = true;

            var published = await jobs.PublishAsync(job);
            logger.LogInformation("Video {VideoId} uploaded ({SizeBytes} bytes, {DurationSeconds:0.#} s); job {JobId} {Published}",
                video.Id, video.SizeBytes, video.DurationSeconds, job.Id, published ? "published" : "left to the relay");
        }
        return TypedResults.Created($"/api/videos/{video.Id}/", video.ToResponse(urls));
    }

    private static string DefaultTitle(string fileName)
    {
        var stem = UploadFileName.Stem(fileName);
        return stem.Length == 0 ? "Untitled" : stem;
    }

    private static Results<Created<VideoResponse>, ValidationProblem, ProblemHttpResult> ToResult(UploadRejection rejection)
    {
        if (rejection.Field is { } field)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [rejection.Detail] }, title: rejection.Title);
        }
        var extensions = new Dictionary<string, object?>();
        if (rejection.Status == StatusCodes.Status415UnsupportedMediaType)
        {
            extensions["accepted_extensions"] = MediaFormats.Extensions;
        }
        return TypedResults.Problem(statusCode: rejection.Status, title: rejection.Title, detail: rejection.Detail, extensions: extensions);
    }

    private static ProblemHttpResult AccountGone() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.", detail: "This account no longer exists.");
}
