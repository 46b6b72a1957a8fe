using AskVideo.Api.Infrastructure;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Admin;

public static partial class AdminApi
{
    /// <summary>GET /api/admin/queue/: the job stream, its consumers and the jobs waiting or dead-lettered.</summary>
    internal static async Task<Ok<QueueHealthResponse>> GetQueueHealth(QueueHealth health, CancellationToken cancellationToken) =>
        TypedResults.Ok(await health.ReadAsync(cancellationToken));

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
