using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AskVideo.Api.Admin;

/// <summary>
/// /api/admin: the operator's side (users, jobs, the queue, the audit trail). Only active users
/// with the <c>admin</c> role get in; to everyone else every path here answers 404. Every action
/// that changes something writes an audit row in the same transaction.
/// </summary>
public static partial class AdminApi
{
    public const string Prefix = "/api/admin";
    public const string Policy = "admin";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix).WithTags("Admin")
            .RequireAuthorization(Policy)
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapGet("/users/", ListUsers).Validated();
        admin.MapGet("/users/{id:int}/", GetUser);
        admin.MapPost("/users/{id:int}/deactivate/", DeactivateUser);
        admin.MapPost("/users/{id:int}/reactivate/", ReactivateUser);
        admin.MapPost("/users/{id:int}/verify-email/", VerifyEmail);
        admin.MapGet("/users/{id:int}/quotas/", GetQuotas);
        admin.MapPut("/users/{id:int}/quotas/", SetQuotas).Validated();
        admin.MapDelete("/users/{id:int}/", DeleteUser).Validated().ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapGet("/videos/", ListVideos).Validated();

        admin.MapGet("/jobs/", ListJobs).Validated();
        admin.MapPost("/jobs/{id:long}/retry/", RetryJob).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/jobs/{id:long}/discard/", DiscardJob).ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapGet("/queue/", GetQueueHealth);
        admin.MapGet("/audit/", ListAudit).Validated();
        return admin;
    }

    /// <summary>The answer to anyone who is not an admin, and for an admin asking for what is not there.</summary>
    internal static ProblemHttpResult NotFound(string detail = "There is nothing at this address.") =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
