namespace AskVideo.Web.Admin;

// The admin API's shapes, as the admin page reads them.

public sealed record Usage(int Videos, long StorageBytes, double ProcessingMinutesThisMonth, int AnswersThisMonth);

public sealed record AdminUser(int Id, string Username, string Email, bool EmailVerified, bool IsAdmin, bool IsActive, Usage Usage);

public sealed record AdminUserList(int Count, string? Next, string? Previous, IReadOnlyList<AdminUser> Results);

public sealed record AdminJob(long Id, int VideoId, int OwnerId, string Kind, string Status, int Attempts, int MaxAttempts, string? LastError, DateTimeOffset UpdatedAt);

public sealed record AdminJobList(int Count, string? Next, string? Previous, IReadOnlyList<AdminJob> Results);

public sealed record QueueConsumer(string Name, long Pending, double IdleSeconds);

public sealed record QueueHealth(
    string Stream, long StreamLength, long Pending, IReadOnlyList<QueueConsumer> PendingByConsumer,
    double? OldestPendingAgeSeconds, int WaitingForRetry, int DeadLettered, IReadOnlyList<string> ConsumersSeenLastMinute);
