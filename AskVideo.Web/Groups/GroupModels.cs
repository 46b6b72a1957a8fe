namespace AskVideo.Web.Groups;

// The Api's group shapes, as the pages read them.

public sealed record Group(int Id, string Name, string Description, int VideoCount, bool IsShared);

public sealed record GroupList(int Count, string? Next, string? Previous, IReadOnlyList<Group> Results);

public sealed record GroupVideo(int Id, string Title, string Status, double? DurationSeconds, int Order, string? MediaUrl);

public sealed record GroupDetail(int Id, string Name, string Description, int VideoCount, bool IsShared, IReadOnlyList<GroupVideo> Videos);

public sealed record ShareLink(string ShareToken, string ShareUrl, DateTimeOffset CreatedAt);
