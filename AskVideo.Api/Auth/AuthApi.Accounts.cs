using System.Globalization;
using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Videos;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using AskVideo.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AskVideo.Api.Auth;

public static partial class AuthApi
{
    private const string CheckYourEmail = "Check your email to verify your account.";

    /// <summary>
    /// POST /api/auth/signup/. An address that already has an account gets the same 201 (and an
    /// email telling its owner), so sign-up does not reveal who is registered.
    /// </summary>
    internal static async Task<Results<Created<SignupResponse>, ValidationProblem, ProblemHttpResult>> Signup(
        SignupRequest request, UserManager<User> users, AccountEmails emails, AuthRateLimits limits,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (limits.TryAcquire(AuthRateLimitPolicies.Signup, request.Email!) is { } wait)
        {
            return RateLimiting.TooManyRequests(wait, http.Response.Headers);
        }
        var accepted = TypedResults.Created((string?)null, new SignupResponse(request.Username!, request.Email!, CheckYourEmail));

        if (await users.FindByNameAsync(request.Username!) is not null)
        {
            return UsernameTaken();
        }
        if (await users.FindByEmailAsync(request.Email!) is { } existing)
        {
            await emails.SendAlreadyRegisteredAsync(existing, cancellationToken);
            AuthMetrics.Signup("existing_email");
            return accepted;
        }

        var user = new User { UserName = request.Username, Email = request.Email, CreatedAt = DateTimeOffset.UtcNow };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            if (created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateEmail))
                && await users.FindByEmailAsync(request.Email!) is { } raced)
            {
                await emails.SendAlreadyRegisteredAsync(raced, cancellationToken);
                return accepted;
            }
            return IdentityProblem(created);
        }

        await emails.SendVerificationAsync(user, cancellationToken);
        AuthMetrics.Signup("created");
        return accepted;
    }

    /// <summary>POST /api/auth/verify-email/: the uid and token from the verification link.</summary>
    internal static async Task<Results<Ok<DetailResponse>, ValidationProblem>> VerifyEmail(
        VerifyEmailRequest request, UserManager<User> users, AccountTokenService tokens, CancellationToken cancellationToken)
    {
        var userId = await tokens.ConsumeAsync(request.Uid!, request.Token!, AccountTokenPurpose.VerifyEmail, cancellationToken);
        if (userId is null || await users.FindByIdAsync(userId.Value.ToString(CultureInfo.InvariantCulture)) is not { } user)
        {
            return InvalidLink();
        }
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        return TypedResults.Ok(new DetailResponse("Your email address is verified. You can sign in."));
    }

    /// <summary>POST /api/auth/resend-verification/: always 202, whether or not the address is known.</summary>
    internal static async Task<Results<Accepted<DetailResponse>, ProblemHttpResult>> ResendVerification(
        EmailRequest request, UserManager<User> users, AccountEmails emails, AuthRateLimits limits,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (limits.TryAcquire(AuthRateLimitPolicies.ResendVerification, request.Email!) is { } wait)
        {
            return RateLimiting.TooManyRequests(wait, http.Response.Headers);
        }
        if (await users.FindByEmailAsync(request.Email!) is { EmailConfirmed: false } user)
        {
            await emails.SendVerificationAsync(user, cancellationToken);
        }
        return TypedResults.Accepted((string?)null,
            new DetailResponse("If this address belongs to an unverified account, a new verification email is on its way."));
    }

    /// <summary>POST /api/auth/password-reset/: always 202, whether or not the address is known.</summary>
    internal static async Task<Results<Accepted<DetailResponse>, ProblemHttpResult>> RequestPasswordReset(
        EmailRequest request, UserManager<User> users, AccountEmails emails, AuthRateLimits limits,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (limits.TryAcquire(AuthRateLimitPolicies.PasswordReset, request.Email!) is { } wait)
        {
            return RateLimiting.TooManyRequests(wait, http.Response.Headers);
        }
        if (await users.FindByEmailAsync(request.Email!) is { } user)
        {
            await emails.SendPasswordResetAsync(user, cancellationToken);
        }
        return TypedResults.Accepted((string?)null,
            new DetailResponse("If this address has an account, a password reset email is on its way."));
    }

    /// <summary>
    /// POST /api/auth/password-reset/confirm/: sets the new password and signs out every session.
    /// The link also proves the address, so the email counts as verified afterwards.
    /// </summary>
    internal static async Task<Results<NoContent, ValidationProblem>> ConfirmPasswordReset(
        PasswordResetConfirmRequest request, UserManager<User> users, AccountTokenService accountTokens,
        TokenService tokens, CancellationToken cancellationToken)
    {
        // Check the password rules before using up the token, so a weak password can be retried.
        // A uid that is no user id is left to the token check below, which calls the link invalid.
        if (int.TryParse(request.Uid, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && await users.FindByIdAsync(uid.ToString(CultureInfo.InvariantCulture)) is { } candidate
            && await ValidatePasswordAsync(users, candidate, request.NewPassword!) is { } weak)
        {
            return weak;
        }

        var userId = await accountTokens.ConsumeAsync(request.Uid!, request.Token!, AccountTokenPurpose.ResetPassword, cancellationToken);
        if (userId is null || await users.FindByIdAsync(userId.Value.ToString(CultureInfo.InvariantCulture)) is not { } user)
        {
            return InvalidLink();
        }

        var identityToken = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, identityToken, request.NewPassword!);
        if (!reset.Succeeded)
        {
            return IdentityProblem(reset);
        }
        user.EmailConfirmed = true;
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await tokens.RevokeAllAsync(user.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>GET /api/auth/me/.</summary>
    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMe(ClaimsPrincipal principal, UserManager<User> users)
    {
        var user = await FindCurrentAsync(principal, users);
        return user is null ? AccountGone() : TypedResults.Ok(ToMe(user));
    }

    /// <summary>PATCH /api/auth/me/: changes the username.</summary>
    internal static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> UpdateMe(
        UpdateMeRequest request, ClaimsPrincipal principal, UserManager<User> users)
    {
        if (await FindCurrentAsync(principal, users) is not { } user)
        {
            return AccountGone();
        }
        if (string.Equals(user.UserName, request.Username, StringComparison.Ordinal))
        {
            return TypedResults.Ok(ToMe(user));
        }
        if (await users.FindByNameAsync(request.Username!) is { } other && other.Id != user.Id)
        {
            return UsernameTaken();
        }
        var renamed = await users.SetUserNameAsync(user, request.Username);
        return renamed.Succeeded ? TypedResults.Ok(ToMe(user)) : IdentityProblem(renamed);
    }

    /// <summary>DELETE /api/auth/me/: deletes the account and everything it owns; needs the password.</summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteMe(
        [FromBody] DeleteMeRequest request, ClaimsPrincipal principal, UserManager<User> users,
        AppDbContext db, IMediaStorage storage, CancellationToken cancellationToken)
    {
        if (await FindCurrentAsync(principal, users) is not { } user)
        {
            return AccountGone();
        }
        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["password"] = ["The password is incorrect."] },
                title: "The account was not deleted.");
        }
        var storageKeys = await db.Videos.Where(v => v.OwnerId == user.Id).Select(v => v.StorageKey).ToListAsync(cancellationToken);
        // Tokens, videos, transcripts and jobs go with the user (cascade); the files right after.
        await users.DeleteAsync(user);
        await storage.DeleteAsync(storageKeys, CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static async Task<User?> FindCurrentAsync(ClaimsPrincipal principal, UserManager<User> users) =>
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub) is { } id ? await users.FindByIdAsync(id) : null;

    private static MeResponse ToMe(User user) =>
        new(user.Id, user.UserName!, user.Email!, user.EmailConfirmed, user.CreatedAt);

    private static async Task<ValidationProblem?> ValidatePasswordAsync(UserManager<User> users, User user, string password)
    {
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }
        return errors.Count == 0
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["new_password"] = [.. errors] },
                title: "The new password is not strong enough.");
    }

    private static ValidationProblem UsernameTaken() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["username"] = ["This username is taken."] }, title: "Some fields are not valid.");

    private static ValidationProblem InvalidLink() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["token"] = ["This link is invalid, already used or expired. Ask for a new one."] },
        title: "The link cannot be used.");

    private static ProblemHttpResult AccountGone() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.", detail: "This account no longer exists.");

    /// <summary>Maps Identity's error codes onto the request's field names.</summary>
    private static ValidationProblem IdentityProblem(IdentityResult result) => TypedResults.ValidationProblem(
        result.Errors
            .GroupBy(e => e.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) => "password",
                var c when c.Contains("Email", StringComparison.Ordinal) => "email",
                var c when c.Contains("UserName", StringComparison.Ordinal) => "username",
                _ => "body",
            })
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()),
        title: "Some fields are not valid.");
}
