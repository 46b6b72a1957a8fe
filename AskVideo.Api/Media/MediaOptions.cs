using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Media;

public sealed class MediaUrlOptions
{
    public const string Section = "MediaUrls";

    /// <summary>Base64 HMAC key (at least 32 bytes) that signs media URLs. Never committed.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Development fallback when <see cref="SigningKey"/> is empty, generated on first run.</summary>
    public string KeyFile { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AskVideo", "media-signing-key");

    /// <summary>How long a signed URL plays after it was handed out.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The API's public address for absolute URLs (behind a proxy); the request's own address when empty.</summary>
    public string? PublicBaseUrl { get; set; }
}
