using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Videos;

/// <summary>Limits of PATCH /api/videos/{id}/transcript/ (section <c>TranscriptEdits</c>).</summary>
public sealed class TranscriptEditOptions
{
    public const string Section = "TranscriptEdits";

    /// <summary>Segments one request may change.</summary>
    [Range(1, 100_000)]
    public int MaxSegments { get; set; } = 1000;

    /// <summary>Characters of one segment's new text (after trimming).</summary>
    [Range(1, 1_000_000)]
    public int MaxSegmentLength { get; set; } = 5000;
}
