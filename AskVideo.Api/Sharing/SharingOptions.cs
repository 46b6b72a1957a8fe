using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Sharing;

public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>The front end that opens share links: a link is <c>{LinkBaseUrl}/share/{token}</c>.</summary>
    public string LinkBaseUrl { get; set; } = "http://localhost:3000";

    public bool HasValidLinkBaseUrl =>
        Uri.TryCreate(LinkBaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}

/// <summary>How often one IP address may open shared groups; guests guess no tokens at scale.</summary>
public sealed class ShareRateLimitOptions
{
    public const string Section = "RateLimits:Share";

    [Range(1, int.MaxValue)]
    public int Permits { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
