using System.Globalization;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Videos;

namespace AskVideo.Api.Videos;

// Field names in validation errors are the JSON (snake_case) names.

public sealed record ProgressResponse(string? Stage, int Percent);

public record VideoResponse(
    int Id,
    string Title,
    string Description,
    string Status,
    ProgressResponse Progress,
    double? DurationSeconds,
    string? MediaUrl,
    string OriginalFileName,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ErrorMessage);

/// <summary>GET /api/videos/{id}/: the video and its transcript (null until there is one).</summary>
public sealed record VideoDetailResponse : VideoResponse
{
    public VideoDetailResponse(VideoResponse video, TranscriptResponse? transcript) : base(video) => Transcript = transcript;

    public TranscriptResponse? Transcript { get; init; }
}

public sealed record SegmentResponse(int Index, double Start, double End, string Text);

public sealed record TranscriptResponse(string Text, string? Language, IReadOnlyList<SegmentResponse> Segments);

/// <summary>
/// 202 to PATCH /api/videos/{id}/transcript/: the transcript as now stored, and <c>index_status</c>
/// <c>pending</c> until the Worker has indexed the new text (chat searches the previous text until
/// then; the video's events show stage <c>index</c>, then <c>completed</c>).
/// </summary>
public sealed record TranscriptEditResponse(string Text, string? Language, IReadOnlyList<SegmentResponse> Segments, string IndexStatus)
{
    public const string Pending = "pending";

    public static TranscriptEditResponse Queued(TranscriptResponse transcript) =>
        new(transcript.Text, transcript.Language, transcript.Segments, Pending);
}

public sealed record VideoListResponse(int Count, string? Next, string? Previous, IReadOnlyList<VideoResponse> Results);

/// <summary>One Server-Sent Event of GET /api/videos/{id}/events/.</summary>
public sealed record VideoStatusEvent(string Status, ProgressResponse Progress, string? ErrorMessage);

public sealed record UpdateVideoRequest(string? Title, string? Description) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Check("title", Title is null || !string.IsNullOrWhiteSpace(Title), "The title cannot be blank.")
        .MaxLength("title", Title?.Trim(), VideoRules.TitleMaxLength)
        .MaxLength("description", Description, VideoRules.DescriptionMaxLength)
        .ToDictionary();
}

/// <summary>One segment's new text in PATCH /api/videos/{id}/transcript/.</summary>
public sealed record SegmentEdit(int? Index, string? Text);

/// <summary>
/// PATCH /api/videos/{id}/transcript/: new texts for some segments, by index. Checked in the handler
/// (after the video is found, so that another user's video is a 404 whatever the body), against
/// the configured <see cref="TranscriptEditOptions"/>.
/// </summary>
public sealed record EditTranscriptRequest(IReadOnlyList<SegmentEdit?>? Segments)
{
    public Dictionary<string, string[]> Validate(TranscriptEditOptions limits)
    {
        var errors = new Validation.Errors();
        if (Segments is not { Count: > 0 })
        {
            errors.Add("segments", "Give at least one segment to change.");
            return errors.ToDictionary();
        }
        if (Segments.Count > limits.MaxSegments)
        {
            errors.Add("segments", $"At most {limits.MaxSegments} segments in one request.");
            return errors.ToDictionary();
        }
        for (var i = 0; i < Segments.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"segments[{i}]");
            if (Segments[i] is not { } segment)
            {
                errors.Add(field, "This field is required.");
                continue;
            }
            errors
                .Check($"{field}.index", segment.Index is not null, "This field is required.")
                .Check($"{field}.index", segment.Index is null or >= 0, "A whole number, 0 or more.")
                .Check($"{field}.text", !string.IsNullOrWhiteSpace(segment.Text), "The text cannot be blank.")
                .MaxLength($"{field}.text", segment.Text?.Trim(), limits.MaxSegmentLength);
        }
        var repeated = Segments.Where(s => s?.Index is not null).GroupBy(s => s!.Index!.Value)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        errors.Check("segments", repeated.Count == 0, $"Each index may appear once; repeated: {IndexList(repeated)}.");
        return errors.ToDictionary();
    }

    public static string IndexList(IEnumerable<int> indexes) =>
        string.Join(", ", indexes.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>The query of GET /api/videos/; kept as text so that a bad value is named in a 400.</summary>
public sealed record VideoListQuery(string? Limit, string? Offset, string? Status, string? Q, string? Ordering) : IValidatable
{
    public int LimitValue => Paging.Limit(Limit);
    public int OffsetValue => Paging.Offset(Offset);
    public VideoStatus? StatusValue => Status is null ? null : VideoRules.ParseStatus(Status);

    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .CheckPage(Limit, Offset)
        .Check("status", Status is null || VideoRules.ParseStatus(Status) is not null,
            $"One of: {string.Join(", ", VideoRules.StatusNames)}.")
        .MaxLength("q", Q, 200)
        .Check("ordering", Ordering is null || VideoOrdering.IsKnown(Ordering), $"One of: {string.Join(", ", VideoOrdering.Names)}.")
        .ToDictionary();
}

public static class VideoRules
{
    public const int TitleMaxLength = 255;
    public const int DescriptionMaxLength = 5000;

    public static IReadOnlyList<string> StatusNames { get; } = [.. Enum.GetValues<VideoStatus>().Select(Name)];

    public static string Name(VideoStatus status) => status switch
    {
        VideoStatus.Pending => "pending",
        VideoStatus.Processing => "processing",
        VideoStatus.Completed => "completed",
        VideoStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static VideoStatus? ParseStatus(string name) =>
        Enum.GetValues<VideoStatus>().Select(s => (VideoStatus?)s).FirstOrDefault(s => Name(s!.Value) == name);

    /// <summary>
    /// Nothing more will happen to the video on its own: it is in error, or completed with no
    /// re-index pending (a completed video at stage <c>index</c> is still being re-indexed).
    /// </summary>
    public static bool IsTerminal(VideoStatus status, string? stage) =>
        status is VideoStatus.Error || (status is VideoStatus.Completed && stage != VideoStages.Index);

    public static VideoResponse ToResponse(this Video video, MediaUrls urls) => new(
        video.Id,
        video.Title,
        video.Description,
        Name(video.Status),
        new ProgressResponse(video.ProgressStage, video.ProgressPercent),
        video.DurationSeconds,
        urls.For(video.Id),
        video.OriginalFileName,
        video.SizeBytes,
        video.CreatedAt,
        video.UpdatedAt,
        video.ErrorMessage);

    /// <summary>Null while the video has neither text nor segments.</summary>
    public static TranscriptResponse? ToTranscript(this Video video)
    {
        if (video.TranscriptText is null && video.Segments.Count == 0)
        {
            return null;
        }
        var segments = video.Segments.OrderBy(s => s.Index)
            .Select(s => new SegmentResponse(s.Index, s.Start, s.End, s.Text))
            .ToList();
        var text = video.TranscriptText ?? string.Join(" ", segments.Select(s => s.Text.Trim()));
        return new TranscriptResponse(text, video.Language, segments);
    }
}
