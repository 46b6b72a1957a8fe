using System.Globalization;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Auth;

/// <summary>Single-use, expiring tokens for the links sent by email.</summary>
public sealed class AccountTokenService(AppDbContext db, IOptions<AccountOptions> options, TimeProvider clock)
{
    /// <summary>Creates a token, replacing any unused one of the same purpose.</summary>
    public async Task<string> IssueAsync(int userId, AccountTokenPurpose purpose, CancellationToken cancellationToken)
    {
        await db.AccountTokens.Where(t => t.UserId == userId && t.Purpose == purpose && t.ConsumedAt == null)
            .ExecuteDeleteAsync(cancellationToken);

        var token = SecretTokens.New();
        var now = clock.GetUtcNow();
        db.AccountTokens.Add(new AccountToken
        {
            UserId = userId,
            Purpose = purpose,
            TokenHash = SecretTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + Lifetime(purpose),
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>
    /// Uses up a token and returns its user id, or null when the uid/token pair is unknown, used
    /// or expired. Consuming is one conditional update, so a token works once even under races.
    /// </summary>
    public async Task<int?> ConsumeAsync(string uid, string token, AccountTokenPurpose purpose, CancellationToken cancellationToken)
    {
        if (!int.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }
        var hash = SecretTokens.Hash(token);
        var now = clock.GetUtcNow();
        var consumed = await db.AccountTokens
            .Where(t => t.UserId == userId && t.Purpose == purpose && t.TokenHash == hash
                && t.ConsumedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        return consumed == 1 ? userId : null;
    }

    private TimeSpan Lifetime(AccountTokenPurpose purpose) => purpose switch
    {
        AccountTokenPurpose.VerifyEmail => options.Value.EmailVerificationLifetime,
        AccountTokenPurpose.ResetPassword => options.Value.PasswordResetLifetime,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };
}
