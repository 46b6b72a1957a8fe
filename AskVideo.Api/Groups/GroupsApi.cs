using AskVideo.Api.Infrastructure;

namespace AskVideo.Api.Groups;

/// <summary>
/// /api/videos/groups: the user's groups of videos, their members and order, and their share
/// links. Every endpoint needs a signed-in user (the fallback policy) and sees only that user's
/// groups and videos: anyone else's group answers 404. Ids are constrained to integers, so these
/// routes and the /api/videos/{id} routes never capture each other's paths. Handlers of validated
/// requests list ValidationProblem among their results even where only the Validated() filter
/// answers it, so that the OpenAPI document shows the 400.
/// </summary>
public static partial class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/videos/groups").WithTags("Groups");

        groups.MapPost("/", Create).Validated();
        groups.MapGet("/", List).Validated();
        groups.MapPost("/reorder/", ReorderGroups).Validated();

        // Handlers answer 404 with a ProblemDetails whose status the result type does not carry.
        var group = groups.MapGroup("/{id:int}").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", Get);
        group.MapPatch("/", Update).Validated();
        group.MapDelete("/", Delete);

        group.MapPost("/videos/", AddVideos).Validated();
        group.MapDelete("/videos/{videoId:int}/", RemoveVideo);
        group.MapPost("/reorder/", ReorderVideos).Validated();

        group.MapPost("/share/", CreateShareLink);
        group.MapGet("/share/", GetShareLink);
        group.MapDelete("/share/", RevokeShareLink);

        return groups;
    }
}
