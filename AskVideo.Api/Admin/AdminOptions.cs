using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Admin;

public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// How long one API replica trusts what it last read about an account (active, admin). It bounds
    /// how long a deactivated user's access token keeps working on a replica other than the one that
    /// deactivated it (that one forgets at once), and how long a demoted admin stays one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan UserStatusCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the queue gauges are read from Redis and PostgreSQL.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueMetricsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
