using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using AskVideo.Core.Storage;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace AskVideo.Api.Media;

/// <summary>
/// /api/media: a video's original file, streamed with HTTP ranges and validators. Three kinds of
/// caller may play it: its owner (Bearer token), a holder of a share token of a group that holds
/// it (<c>?share_token=</c>), and a holder of a signed URL (<c>?expires=&amp;signature=</c>).
/// Everyone else gets a 404, as if it did not exist, and so does everyone once an administrator
/// has deactivated the video's owner (their access tokens within the status cache's bound, share
/// and signed links at once).
/// </summary>
public static class MediaApi
{
    public static RouteGroupBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup("/api/media").WithTags("Media");
        // Authorization is decided per request from the three credentials above.
        media.MapMethods("/videos/{id:int}", [HttpMethods.Get, HttpMethods.Head], GetVideoFile).AllowAnonymous();
        return media;
    }

    /// <summary>GET /api/media/videos/{id}: 200 or 206 with the bytes asked for, 304, 412, 416 or 404.</summary>
    internal static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetVideoFile(
        int id, long? expires, string? signature, string? share_token, ClaimsPrincipal principal, HttpContext context,
        AppDbContext db, IMediaStorage storage, MediaUrls urls, CancellationToken cancellationToken)
    {
        var stored = await FindPlayableAsync(id, expires, signature, share_token, principal, db, urls, cancellationToken);
        if (stored is null || !storage.Exists(stored.StorageKey))
        {
            return NotFound();
        }

        var file = new FileInfo(storage.GetLocalPath(stored.StorageKey));
        var lastModified = new DateTimeOffset(file.LastWriteTimeUtc);
        var etag = new EntityTagHeaderValue($"\"{file.Length:x}-{lastModified.UtcTicks:x}\"");
        // The result decides status, headers and range; this feature only makes the copy of the body fast.
        context.Features.Set<IHttpResponseBodyFeature>(new PipeSendFileFeature(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>()));
        return TypedResults.PhysicalFile(file.FullName, stored.ContentType, fileDownloadName: null,
            lastModified: lastModified, entityTag: etag, enableRangeProcessing: true);
    }

    private static async Task<StoredFile?> FindPlayableAsync(
        int id, long? expires, string? signature, string? shareToken, ClaimsPrincipal principal,
        AppDbContext db, MediaUrls urls, CancellationToken cancellationToken)
    {
        var videos = db.Videos.Where(v => v.Id == id);
        if (expires is not null || signature is not null)
        {
            // A signed link lives for hours, longer than anyone should keep playing a deactivated
            // owner's media: the owner's status is read in the same query, so such a link stops at once.
            return expires is { } until && signature is not null && urls.Verify(id, until, signature)
                ? await FileOf(videos.Where(v => db.Users.Any(u => u.Id == v.OwnerId && u.DeactivatedAt == null)))
                    .SingleOrDefaultAsync(cancellationToken)
                : null;
        }
        if (shareToken is not null)
        {
            var shared = db.VideoIdsOpenedBy(shareToken);
            return ShareAccess.IsWellFormed(shareToken)
                ? await FileOf(videos.Where(v => shared.Contains(v.Id))).SingleOrDefaultAsync(cancellationToken)
                : null;
        }
        if (principal.TryGetUserId(out var userId))
        {
            return await FileOf(videos.Where(v => v.OwnerId == userId)).SingleOrDefaultAsync(cancellationToken);
        }
        return null;
    }

    // Only what delivery needs: a player asks for many ranges, and the row also holds the whole transcript.
    private static IQueryable<StoredFile> FileOf(IQueryable<Video> videos) =>
        videos.Select(v => new StoredFile(v.StorageKey, v.ContentType));

    private sealed record StoredFile(string StorageKey, string ContentType);

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: "There is no such video, or this link does not open it.");
}
