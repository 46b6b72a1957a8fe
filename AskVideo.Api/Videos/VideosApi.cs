using AskVideo.Api.Infrastructure;

namespace AskVideo.Api.Videos;

/// <summary>
/// /api/videos: upload, the library (list, read, edit, delete), transcripts and live status. Every
/// endpoint needs a signed-in user (the fallback policy) and sees only that user's videos: anyone
/// else's video answers 404.
/// </summary>
public static partial class VideosApi
{
    public static RouteGroupBuilder MapVideosApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/videos").WithTags("Videos");

        videos.MapPost("/", Upload).AddOpenApiOperationTransformer(DescribeUploadBody);
        videos.MapGet("/", List).Validated();
        videos.MapGet("/{id:int}/", Get);
        videos.MapPatch("/{id:int}/", Update).Validated();
        videos.MapDelete("/{id:int}/", Delete);
        videos.MapPost("/{id:int}/retranscribe/", Retranscribe);
        videos.MapGet("/{id:int}/transcript/", Transcript);
        videos.MapPatch("/{id:int}/transcript/", EditTranscript);
        videos.MapGet("/{id:int}/events/", Events);

        return videos;
    }
}
