using System.Globalization;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace AskVideo.Api.Auth;

public static partial class AuthApi
{
    // A hash to verify against when the user does not exist, so that an unknown username costs
    // the same time as a wrong password and the two cannot be told apart.
    private static readonly Lazy<string> s_decoyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), SecretTokens.New()));

    /// <summary>POST /api/auth/login/: username or email plus password, for an access and a refresh token.</summary>
    internal static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Login(
        LoginRequest request, UserManager<User> users, TokenService tokens, AuthRateLimits limits,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (limits.TryAcquire(AuthRateLimitPolicies.Login, request.Username!) is { } wait)
        {
            AuthMetrics.SignIn("rate_limited");
            return RateLimiting.TooManyRequests(wait, http.Response.Headers);
        }

        var user = await users.FindByNameAsync(request.Username!)
            ?? (request.Username!.Contains('@', StringComparison.Ordinal) ? await users.FindByEmailAsync(request.Username!) : null);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new User(), s_decoyHash.Value, request.Password!);
            AuthMetrics.SignIn("invalid_credentials");
            return InvalidCredentials();
        }

        if (await users.IsLockedOutAsync(user))
        {
            AuthMetrics.SignIn("locked_out");
            return Locked(await users.GetLockoutEndDateAsync(user), http);
        }
        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            await users.AccessFailedAsync(user);
            AuthMetrics.SignIn("invalid_credentials");
            return InvalidCredentials();
        }
        await users.ResetAccessFailedCountAsync(user);

        if (user.DeactivatedAt is not null)
        {
            AuthMetrics.SignIn("deactivated");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Account deactivated.",
                detail: "An administrator has deactivated this account. Contact the operators of this service.");
        }

        if (!user.EmailConfirmed)
        {
            AuthMetrics.SignIn("email_not_verified");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Email not verified.",
                detail: "The email address of this account must be verified before signing in. Follow the link in the verification email, or ask for a new one at /api/auth/resend-verification/.");
        }

        AuthMetrics.SignIn("success");
        return TypedResults.Ok(await tokens.IssueAsync(user, cancellationToken));
    }

    /// <summary>POST /api/auth/refresh/: a refresh token for a new pair; the old one stops working.</summary>
    internal static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Refresh(
        RefreshRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        var (outcome, pair) = await tokens.RefreshAsync(request.Refresh!, cancellationToken);
        return outcome switch
        {
            TokenService.RefreshOutcome.Rotated => TypedResults.Ok(pair!),
            TokenService.RefreshOutcome.Reused => Unauthorized(
                "This refresh token was already used. For safety, every token of this sign-in has been revoked: sign in again."),
            TokenService.RefreshOutcome.Expired => Unauthorized("The refresh token has expired: sign in again."),
            _ => Unauthorized("The refresh token is not valid."),
        };
    }

    /// <summary>POST /api/auth/logout/: ends the sign-in the refresh token belongs to.</summary>
    internal static async Task<NoContent> Logout(RefreshRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        await tokens.RevokeLoginAsync(request.Refresh!, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult InvalidCredentials() => Unauthorized("The username or password is incorrect.");

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.", detail: detail);

    private static ProblemHttpResult Locked(DateTimeOffset? until, HttpContext http)
    {
        var seconds = until is { } end ? Math.Max(1, (int)Math.Ceiling((end - DateTimeOffset.UtcNow).TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status423Locked,
            title: "Account temporarily locked.",
            detail: $"Too many failed sign-in attempts. Try again in {seconds} seconds, or reset your password.");
    }
}
