using AskVideo.Core.Videos;

namespace AskVideo.Core.Groups;

/// <summary>A user's named, ordered collection of their videos, which they may share with a link.</summary>
public sealed class VideoGroup
{
    public const int NameMaxLength = 255;
    public const int DescriptionMaxLength = 5000;
    public const int ShareTokenMaxLength = 64;

    public int Id { get; set; }
    public int OwnerId { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Where the owner placed this group among their groups (ascending).</summary>
    public int Position { get; set; }

    /// <summary>
    /// The secret of the group's share link, null when the group is not shared. Kept as is (not
    /// hashed) so that the owner can see the link again; it grants read access to this group only.
    /// </summary>
    public string? ShareToken { get; set; }
    public DateTimeOffset? ShareCreatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<VideoGroupMember> Members { get; set; } = [];
}

/// <summary>A video's place in a group. A video may be in several groups, once in each.</summary>
public sealed class VideoGroupMember
{
    public int GroupId { get; set; }
    public int VideoId { get; set; }
    /// <summary>Ascending order within the group; gaps are allowed.</summary>
    public int Position { get; set; }
    public DateTimeOffset AddedAt { get; set; }

    public Video Video { get; set; } = null!;
}
