namespace AskVideo.Core.Videos;

public enum VideoStatus
{
    Pending,
    Processing,
    Completed,
    Error,
}

/// <summary>An uploaded video or audio file and what the pipeline learned about it.</summary>
public sealed class Video
{
    public int Id { get; set; }
    public int OwnerId { get; set; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";

    public VideoStatus Status { get; set; } = VideoStatus.Pending;
    /// <summary>The pipeline stage now running (probe, extract, transcribe, store, ...).</summary>
    public string? ProgressStage { get; set; }
    public int ProgressPercent { get; set; }
    /// <summary>A message a person can act on, set when <see cref="Status"/> is Error.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The file name the client sent, for display only; never used as a path.</summary>
    public required string OriginalFileName { get; set; }
    /// <summary>The storage key of the original file, chosen by the server.</summary>
    public required string StorageKey { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public double? DurationSeconds { get; set; }
    public bool HasVideoTrack { get; set; }

    public string? TranscriptText { get; set; }
    public string? Language { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<TranscriptSegment> Segments { get; set; } = [];
}

/// <summary>One timed piece of a transcript.</summary>
public sealed class TranscriptSegment
{
    public long Id { get; set; }
    public int VideoId { get; set; }
    public int Index { get; set; }
    public double Start { get; set; }
    public double End { get; set; }
    public required string Text { get; set; }
}
