namespace AskVideo.Core.Accounts;

/// <summary>
/// One refresh token of a login. Tokens of one login share a <see cref="FamilyId"/>: each refresh
/// rotates to a new token in the same family, and presenting a used one revokes the whole family.
/// Only a SHA-256 hash of the token is stored.
/// </summary>
public sealed class RefreshToken
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public Guid FamilyId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
