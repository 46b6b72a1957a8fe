namespace AskVideo.Core.Accounts;

public enum AccountTokenPurpose
{
    VerifyEmail = 1,
    ResetPassword = 2,
}

/// <summary>
/// A single-use, expiring token sent by email (verification, password reset). Only its SHA-256
/// hash is stored, so a database leak does not leak usable links.
/// </summary>
public sealed class AccountToken
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public AccountTokenPurpose Purpose { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}
