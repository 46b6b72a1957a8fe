namespace AskVideo.Core.Accounts;

/// <summary>
/// An administrator's per-user limits on top of the configured defaults (<c>Quotas</c>). A null
/// field means the default applies; a user without a row has the defaults.
/// </summary>
public sealed class UserQuota
{
    public int UserId { get; set; }
    public int? MaxVideos { get; set; }
    public long? MaxStorageBytes { get; set; }
    public int? MaxProcessingMinutesPerMonth { get; set; }
    public int? MaxAnswersPerMonth { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
