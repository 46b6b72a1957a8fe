using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>How long the queue's figures may take before the answer says Redis cannot be reached.</summary>
    private static readonly TimeSpan QueueReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// GET /api/admin/queue/: the job stream, its consumers and the jobs waiting or dead-lettered.
    /// A Redis that does not answer within two seconds is a 503, not a request left waiting.
    /// </summary>
    internal static async Task<Results<Ok<QueueHealthResponse>, ProblemHttpResult>> GetQueueHealth(
        QueueHealth health, HttpResponse response, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueueReadTimeout);
        try
        {
            return TypedResults.Ok(await health.ReadAsync(timeout.Token));
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The job queue cannot be reached.", detail: "Redis did not answer. Try again in 5 seconds.");
        }
    }

    /// <summary>GET /api/admin/audit/: the audit trail, newest first.</summary>
    internal static async Task<Ok<AuditListResponse>> ListAudit(
        [AsParameters] AuditListQuery query, AppDbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        var count = await entries.CountAsync(cancellationToken);
        var (limit, offset) = (Paging.Limit(query.Limit), Paging.Offset(query.Offset));
        var page = await entries.OrderByDescending(e => e.Id).Skip(offset).Take(limit)
            .Select(e => new AuditEntryResponse(e.Id, e.ActorId, e.ActorName, e.Action, e.ResourceType, e.ResourceId, e.Detail, e.IpAddress, e.CreatedAt))
            .ToListAsync(cancellationToken);
        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new AuditListResponse(count, next, previous, page));
    }
}
