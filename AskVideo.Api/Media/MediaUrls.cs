using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AskVideo.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Media;

/// <summary>
/// Short-lived signed addresses for a video's file: an expiry and an HMAC over the video id and
/// that expiry. They are what <c>media_url</c> fields hold, so an HTML &lt;video src&gt; plays
/// without an Authorization header, and they open nothing but that one file until they expire.
/// </summary>
public sealed class MediaUrls
{
    private readonly byte[] _key;
    private readonly MediaUrlOptions _options;
    private readonly IHttpContextAccessor _http;
    private readonly TimeProvider _clock;

    public MediaUrls(IOptions<MediaUrlOptions> options, IHostEnvironment environment, ILogger<MediaUrls> logger,
        IHttpContextAccessor http, TimeProvider clock)
    {
        _options = options.Value;
        _key = SecretKeys.Resolve(_options.SigningKey, "MediaUrls:SigningKey", _options.KeyFile, environment, logger);
        _http = http;
        _clock = clock;
    }

    public static string PathFor(int videoId) => $"/api/media/videos/{videoId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A signed, absolute URL that plays the video until the configured lifetime passes.</summary>
    public string? For(int videoId)
    {
        var expires = (_clock.GetUtcNow() + _options.Lifetime).ToUnixTimeSeconds();
        return $"{BaseUrl()}{PathFor(videoId)}?expires={expires.ToString(CultureInfo.InvariantCulture)}&signature={Sign(videoId, expires)}";
    }

    /// <summary>True when the signature is this server's for this video and expiry, and the expiry is ahead.</summary>
    public bool Verify(int videoId, long expires, string signature)
    {
        if (expires <= _clock.GetUtcNow().ToUnixTimeSeconds() || signature.Length != 64)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(videoId, expires));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Sign(int videoId, long expires) => Convert.ToHexStringLower(HMACSHA256.HashData(_key,
        Encoding.ASCII.GetBytes($"video:{videoId.ToString(CultureInfo.InvariantCulture)}:{expires.ToString(CultureInfo.InvariantCulture)}")));

    private string BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(_options.PublicBaseUrl))
        {
            return _options.PublicBaseUrl.TrimEnd('/');
        }
        var request = _http.HttpContext?.Request;
        return request is null ? "" : $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
