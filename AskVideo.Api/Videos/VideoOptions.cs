using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Videos;

public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest accepted file; a bigger upload is stopped as soon as it passes this size (413).</summary>
    [Range(typeof(long), "1", "1099511627776")]
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}

/// <summary>Per-user limits; null means unlimited.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Quotas";

    [Range(0, int.MaxValue)]
    public int? MaxVideos { get; set; }

    [Range(typeof(long), "0", "9223372036854775807")]
    public long? MaxStorageBytes { get; set; }

    /// <summary>Total duration of the videos a user uploads in one calendar month (UTC).</summary>
    [Range(0, int.MaxValue)]
    public int? MaxProcessingMinutesPerMonth { get; set; }

    /// <summary>Chat answers about a user's groups (their own questions and their guests') in one calendar month (UTC).</summary>
    [Range(0, int.MaxValue)]
    public int? MaxAnswersPerMonth { get; set; }

    /// <summary>True when an upload limit is set.</summary>
    public bool Any => MaxVideos is not null || MaxStorageBytes is not null || MaxProcessingMinutesPerMonth is not null;
}

/// <summary>How the API writes jobs for the Worker (the section is shared with the Worker's settings).</summary>
public sealed class VideoJobOptions
{
    public const string Section = "Worker";

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// A new job's <c>NotBefore</c> lies this far ahead, so the Worker's relay leaves it to the API's
    /// own publish right after commit and only steps in when that publish did not happen.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PublishGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an upload waits for Redis after its commit. The job is safe in PostgreSQL by then,
    /// so a slow or unreachable Redis only leaves it to the relay; the upload answers regardless.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
}
