using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Admin;
using AskVideo.Core.Data;

namespace AskVideo.Api.Admin;

/// <summary>Writes the audit row of an admin action, in the same unit of work as the action.</summary>
public static class AdminAudit
{
    /// <summary>Adds the row to <paramref name="db"/>; the caller's SaveChanges commits it with the change itself.</summary>
    public static void Record(AppDbContext db, HttpContext http, string action, string resourceType, object resourceId, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            ActorId = http.User.TryGetUserId(out var id) ? id : null,
            ActorName = http.User.FindFirstValue("unique_name") ?? "",
            Action = action,
            ResourceType = resourceType,
            ResourceId = Convert.ToString(resourceId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            CreatedAt = DateTimeOffset.UtcNow,
        });
}
