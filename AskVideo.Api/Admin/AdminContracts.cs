using AskVideo.Api.Infrastructure;
using AskVideo.Core.Jobs;

namespace AskVideo.Api.Admin;

/// <summary>What a user has used: all time for videos and storage, this calendar month (UTC) for the rest.</summary>
public sealed record UserUsage(int Videos, long StorageBytes, double ProcessingMinutesThisMonth, int AnswersThisMonth);

public sealed record AdminUserResponse(
    int Id, string Username, string Email, bool EmailVerified, bool IsAdmin, bool IsActive,
    DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt, DateTimeOffset? LastSignInAt, UserUsage Usage);

public sealed record AdminUserListResponse(int Count, string? Next, string? Previous, IReadOnlyList<AdminUserResponse> Results);

/// <summary>GET /api/admin/users/: <c>q</c> matches username or email (part of either, any case).</summary>
public sealed record AdminUserListQuery(string? Limit, string? Offset, string? Q) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .CheckPage(Limit, Offset)
        .MaxLength("q", Q, 256)
        .ToDictionary();
}

public sealed record AdminJobResponse(
    long Id, int VideoId, int OwnerId, string Kind, string Status, int Attempts, int MaxAttempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset NotBefore, DateTimeOffset? PublishedAt);

public sealed record AdminJobListResponse(int Count, string? Next, string? Previous, IReadOnlyList<AdminJobResponse> Results);

/// <summary>GET /api/admin/jobs/: <c>status</c> is pending, running, succeeded or failed (failed = dead-lettered).</summary>
public sealed record AdminJobListQuery(string? Limit, string? Offset, string? Status) : IValidatable
{
    public static IReadOnlyList<string> StatusNames { get; } = [.. Enum.GetValues<JobStatus>().Select(Name)];

    public JobStatus? StatusValue => Status is null ? null : Enum.GetValues<JobStatus>().Single(s => Name(s) == Status);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .CheckPage(Limit, Offset)
        .Check("status", Status is null || StatusNames.Contains(Status), $"One of: {string.Join(", ", StatusNames)}.")
        .ToDictionary();

    public static string Name(JobStatus status) => status.ToString().ToLowerInvariant();
}

public sealed record QueueConsumer(string Name, long Pending, double IdleSeconds);

/// <summary>The job stream and the jobs behind it, as the operator asks about them.</summary>
public sealed record QueueHealthResponse(
    string Stream, long StreamLength, long Pending, IReadOnlyList<QueueConsumer> PendingByConsumer,
    double? OldestPendingAgeSeconds, int WaitingForRetry, int DeadLettered, IReadOnlyList<string> ConsumersSeenLastMinute);

public sealed record AuditEntryResponse(
    long Id, int? ActorId, string ActorName, string Action, string ResourceType, string ResourceId, string? Detail,
    string? IpAddress, DateTimeOffset CreatedAt);

public sealed record AuditListResponse(int Count, string? Next, string? Previous, IReadOnlyList<AuditEntryResponse> Results);

public sealed record AuditListQuery(string? Limit, string? Offset) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors().CheckPage(Limit, Offset).ToDictionary();
}

/// <summary>DELETE /api/admin/users/{id}/: the username, typed again, so that no id typo deletes someone.</summary>
public sealed record AdminDeleteUserRequest(string? ConfirmUsername) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("confirm_username", ConfirmUsername)
        .MaxLength("confirm_username", ConfirmUsername, 256)
        .ToDictionary();
}

public sealed record AdminVideoResponse(
    int Id, int OwnerId, string Title, string Status, string? ProgressStage, int ProgressPercent, string? ErrorMessage,
    long SizeBytes, double? DurationSeconds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AdminVideoListResponse(int Count, string? Next, string? Previous, IReadOnlyList<AdminVideoResponse> Results);

/// <summary>GET /api/admin/videos/: every user's videos, filtered by <c>status</c> and <c>owner_id</c>.</summary>
public sealed record AdminVideoListQuery(
    string? Limit, string? Offset, string? Status,
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "owner_id")] string? OwnerId) : IValidatable
{
    public static IReadOnlyList<string> StatusNames { get; } =
        [.. Enum.GetValues<Core.Videos.VideoStatus>().Select(s => s.ToString().ToLowerInvariant())];

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .CheckPage(Limit, Offset)
        .Check("status", Status is null || StatusNames.Contains(Status), $"One of: {string.Join(", ", StatusNames)}.")
        .Check("owner_id", OwnerId is null || (Paging.IsWholeNumber(OwnerId, out var id) && id > 0), "A user id: a whole number above 0.")
        .ToDictionary();
}

/// <summary>Per-user limits; a null field means the configured default applies.</summary>
public sealed record QuotaLimits(int? MaxVideos, long? MaxStorageBytes, int? MaxProcessingMinutesPerMonth, int? MaxAnswersPerMonth);

/// <summary>PUT /api/admin/users/{id}/quotas/: the overrides, replacing any before; all null goes back to the defaults.</summary>
public sealed record AdminQuotaRequest(int? MaxVideos, long? MaxStorageBytes, int? MaxProcessingMinutesPerMonth, int? MaxAnswersPerMonth) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("max_videos", MaxVideos is null or >= 0, "0 or more, or null for the default.")
        .Check("max_storage_bytes", MaxStorageBytes is null or >= 0, "0 or more, or null for the default.")
        .Check("max_processing_minutes_per_month", MaxProcessingMinutesPerMonth is null or >= 0, "0 or more, or null for the default.")
        .Check("max_answers_per_month", MaxAnswersPerMonth is null or >= 0, "0 or more, or null for the default.")
        .ToDictionary();
}

/// <summary>The user's overrides and the limits that apply to them (null: unlimited).</summary>
public sealed record AdminQuotaResponse(int UserId, QuotaLimits Overrides, QuotaLimits Effective);
