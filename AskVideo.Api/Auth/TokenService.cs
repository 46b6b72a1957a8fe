using System.Security.Claims;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AskVideo.Api.Auth;

/// <summary>Issues access tokens (JWT) and rotating refresh tokens, and revokes them.</summary>
public sealed class TokenService(
    AppDbContext db,
    JwtSigningKey signingKey,
    IOptions<JwtOptions> options,
    TimeProvider clock)
{
    public enum RefreshOutcome { Rotated, Unknown, Expired, Reused }

    /// <summary>
    /// Starts a sign-in: a new family of refresh tokens, and the account's last sign-in time. A
    /// refresh continues the sign-in it belongs to, so <see cref="RefreshAsync"/> leaves the time alone.
    /// </summary>
    public async Task<TokenPair> IssueAsync(User user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now), cancellationToken);
        user.LastSignInAt = now;
        var refresh = await CreateRefreshTokenAsync(user.Id, Guid.NewGuid(), cancellationToken);
        return Pair(user, refresh);
    }

    /// <summary>
    /// Rotates a refresh token. Presenting a token that was already used (or revoked) revokes every
    /// token of its login, since only a thief or a replay would do that.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, TokenPair? Tokens)> RefreshAsync(string token, CancellationToken cancellationToken)
    {
        var hash = SecretTokens.Hash(token);
        var stored = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (stored is null)
        {
            return (RefreshOutcome.Unknown, null);
        }

        var now = clock.GetUtcNow();
        // One atomic claim of the token: of two concurrent refreshes only one can win.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
            return (RefreshOutcome.Reused, null);
        }
        if (stored.ExpiresAt <= now)
        {
            return (RefreshOutcome.Expired, null);
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        if (user is null || user.DeactivatedAt is not null)
        {
            return (RefreshOutcome.Unknown, null);
        }
        var next = await CreateRefreshTokenAsync(user.Id, stored.FamilyId, cancellationToken);
        return (RefreshOutcome.Rotated, Pair(user, next));
    }

    /// <summary>Ends the login the token belongs to. Unknown tokens are ignored.</summary>
    public async Task RevokeLoginAsync(string token, CancellationToken cancellationToken)
    {
        var hash = SecretTokens.Hash(token);
        var familyId = await db.RefreshTokens.Where(t => t.TokenHash == hash)
            .Select(t => (Guid?)t.FamilyId).SingleOrDefaultAsync(cancellationToken);
        if (familyId is { } family)
        {
            await RevokeFamilyAsync(family, cancellationToken);
        }
    }

    public Task<int> RevokeAllAsync(int userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    private Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    private async Task<string> CreateRefreshTokenAsync(int userId, Guid familyId, CancellationToken cancellationToken)
    {
        var token = SecretTokens.New();
        var now = clock.GetUtcNow();
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = userId,
            FamilyId = familyId,
            TokenHash = SecretTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    private TokenPair Pair(User user, string refreshToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var access = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.AccessTokenLifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.UniqueName, user.UserName ?? ""),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return new TokenPair(access, refreshToken, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds);
    }
}
