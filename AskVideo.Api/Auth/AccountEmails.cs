using System.Globalization;
using AskVideo.Api.Email;
using AskVideo.Core.Accounts;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Auth;

/// <summary>The messages the account flows send.</summary>
public sealed class AccountEmails(IEmailSender sender, AccountTokenService tokens, IOptions<EmailOptions> options)
{
    public async Task SendVerificationAsync(User user, CancellationToken cancellationToken)
    {
        var token = await tokens.IssueAsync(user.Id, AccountTokenPurpose.VerifyEmail, cancellationToken);
        var link = Link("verify-email", user.Id, token);
        await sender.SendAsync(new EmailMessage(user.Email!, "Verify your AskVideo email address",
            $"""
            Hello {user.UserName},

            Confirm that this is your email address by opening this link:

            {link}

            If you did not create an AskVideo account, ignore this message.
            """, link), cancellationToken);
    }

    /// <summary>Sent when someone signs up with an address that already has an account.</summary>
    public Task SendAlreadyRegisteredAsync(User user, CancellationToken cancellationToken)
    {
        var reset = $"{options.Value.LinkBaseUrl.TrimEnd('/')}/reset-password";
        return sender.SendAsync(new EmailMessage(user.Email!, "You already have an AskVideo account",
            $"""
            Hello,

            Someone tried to create an AskVideo account with this email address, which already has
            one (username: {user.UserName}). If that was you, sign in instead, or reset your
            password at {reset}.

            If it was not you, ignore this message: nothing has changed.
            """), cancellationToken);
    }

    public async Task SendPasswordResetAsync(User user, CancellationToken cancellationToken)
    {
        var token = await tokens.IssueAsync(user.Id, AccountTokenPurpose.ResetPassword, cancellationToken);
        var link = Link("reset-password", user.Id, token);
        await sender.SendAsync(new EmailMessage(user.Email!, "Reset your AskVideo password",
            $"""
            Hello {user.UserName},

            Choose a new password by opening this link:

            {link}

            If you did not ask for this, ignore this message: your password has not changed.
            """, link), cancellationToken);
    }

    private string Link(string page, int userId, string token) =>
        $"{options.Value.LinkBaseUrl.TrimEnd('/')}/{page}?uid={userId.ToString(CultureInfo.InvariantCulture)}&token={token}";
}
