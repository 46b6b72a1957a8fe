using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Groups;

public sealed class GroupOptions
{
    public const string Section = "Groups";

    /// <summary>Most video ids one request to add videos to a group may name.</summary>
    [Range(1, 100_000)]
    public int MaxVideoIdsPerAdd { get; set; } = 500;
}
