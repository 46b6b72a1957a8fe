namespace AskVideo.Api.Sharing;

/// <summary>The owner's view of a group's share link.</summary>
public sealed record ShareLinkResponse(string ShareToken, string ShareUrl, DateTimeOffset CreatedAt);

/// <summary>
/// What a guest with the link sees: the group and its videos in order. Nothing about the owner,
/// and no transcripts. <see cref="Id"/> is the group's id, which the guest's chat requests name.
/// </summary>
public sealed record SharedGroupResponse(int Id, string Name, string Description, IReadOnlyList<SharedVideoResponse> Videos);

/// <summary>One video of a shared group; <see cref="Order"/> counts from 0, <see cref="MediaUrl"/> plays without signing in.</summary>
public sealed record SharedVideoResponse(int Id, string Title, double? DurationSeconds, string Status, int Order, string? MediaUrl);
