using System.ComponentModel.DataAnnotations;

namespace AskVideo.Api.Auth;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    public string Issuer { get; set; } = "askvideo";
    public string Audience { get; set; } = "askvideo-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. Never committed; see <see cref="KeyFile"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Development fallback when <see cref="SigningKey"/> is empty: a key generated on first run and
    /// kept in this file, outside the repository.
    /// </summary>
    public string KeyFile { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AskVideo", "jwt-signing-key");

    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}

public sealed class AccountOptions
{
    public const string Section = "Accounts";

    public TimeSpan EmailVerificationLifetime { get; set; } = TimeSpan.FromHours(48);
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimits:Auth";

    /// <summary>Login attempts per IP and, separately, per username in each window.</summary>
    [Range(1, int.MaxValue)]
    public int LoginPermits { get; set; } = 5;
    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sign-ups, verification resends and password resets per IP and per email address.</summary>
    [Range(1, int.MaxValue)]
    public int EmailPermits { get; set; } = 3;
    public TimeSpan EmailWindow { get; set; } = TimeSpan.FromHours(1);
}
