using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>GET /api/admin/videos/?status=error&amp;owner_id=7: all videos, newest first.</summary>
    internal static async Task<Ok<AdminVideoListResponse>> ListVideos(
        [AsParameters] AdminVideoListQuery query, AppDbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        var videos = db.Videos.AsNoTracking();
        if (query.Status is { } statusName)
        {
            var status = Enum.GetValues<VideoStatus>().Single(s => s.ToString().Equals(statusName, StringComparison.OrdinalIgnoreCase));
            videos = videos.Where(v => v.Status == status);
        }
        if (query.OwnerId is { } owner)
        {
            var ownerId = int.Parse(owner, System.Globalization.CultureInfo.InvariantCulture);
            videos = videos.Where(v => v.OwnerId == ownerId);
        }
        var count = await videos.CountAsync(cancellationToken);
        var (limit, offset) = (Paging.Limit(query.Limit), Paging.Offset(query.Offset));
        var page = await videos.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id).Skip(offset).Take(limit)
            .ToListAsync(cancellationToken);
        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new AdminVideoListResponse(count, next, previous, [.. page.Select(v => new AdminVideoResponse(
            v.Id, v.OwnerId, v.Title, v.Status.ToString().ToLowerInvariant(), v.ProgressStage, v.ProgressPercent, v.ErrorMessage,
            v.SizeBytes, v.DurationSeconds, v.CreatedAt, v.UpdatedAt))]));
    }
}
