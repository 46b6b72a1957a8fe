namespace AskVideo.Core.Admin;

/// <summary>
/// One administrative action: who did what to which resource, when and from where. Rows are only
/// ever inserted; the database refuses updates and deletes (a trigger, see the migration).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    /// <summary>The administrator's user id; null for the command line.</summary>
    public int? ActorId { get; set; }
    /// <summary>The administrator's username at the time, kept because the account may go.</summary>
    public required string ActorName { get; set; }
    /// <summary>What was done, e.g. <c>user.deactivate</c>, <c>job.retry</c>.</summary>
    public required string Action { get; set; }
    /// <summary><c>user</c>, <c>job</c>, ...</summary>
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public string? Detail { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
