namespace AskVideo.Web.Videos;

// The Api's video shapes (snake_case on the wire), as the pages read them.

public sealed record Progress(string? Stage, int Percent);

public sealed record Video(
    int Id,
    string Title,
    string Description,
    string Status,
    Progress Progress,
    double? DurationSeconds,
    string? MediaUrl,
    string OriginalFileName,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    string? ErrorMessage)
{
    /// <summary>Nothing more happens on its own: failed, or completed with no re-index under way.</summary>
    public bool IsSettled => Status == "error" || (Status == "completed" && Progress.Stage != "index");

    /// <summary>
    /// The media URL as a path of this site: the Api signs it with its own host, and the browser
    /// fetches it through the web app's proxy instead.
    /// </summary>
    public string? PlayerSource => MediaUrl is null ? null : Uri.TryCreate(MediaUrl, UriKind.Absolute, out var url) ? url.PathAndQuery : MediaUrl;
}

public sealed record VideoList(int Count, string? Next, string? Previous, IReadOnlyList<Video> Results);

/// <summary>One Server-Sent Event of /api/videos/{id}/events/.</summary>
public sealed record VideoStatusEvent(string Status, Progress Progress, string? ErrorMessage);

public sealed record Segment(int Index, double Start, double End, string Text);

public sealed record Transcript(string Text, string? Language, IReadOnlyList<Segment> Segments);

public sealed record VideoDetail(
    int Id,
    string Title,
    string Description,
    string Status,
    Progress Progress,
    double? DurationSeconds,
    string? MediaUrl,
    string? ErrorMessage,
    Transcript? Transcript)
{
    public string? PlayerSource => MediaUrl is null ? null : Uri.TryCreate(MediaUrl, UriKind.Absolute, out var url) ? url.PathAndQuery : MediaUrl;
}

public static class Times
{
    /// <summary>m:ss, or h:mm:ss past an hour.</summary>
    public static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", System.Globalization.CultureInfo.InvariantCulture);
    }
}
