using AskVideo.Api.Infrastructure;

namespace AskVideo.Api.Auth;

/// <summary>/api/auth: accounts, email verification, sign-in sessions and password reset.</summary>
public static partial class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");

        auth.MapPost("/signup/", Signup).AllowAnonymous().RequireRateLimiting(AuthRateLimitPolicies.Signup).Validated();
        auth.MapPost("/verify-email/", VerifyEmail).AllowAnonymous().Validated();
        auth.MapPost("/resend-verification/", ResendVerification).AllowAnonymous()
            .RequireRateLimiting(AuthRateLimitPolicies.ResendVerification).Validated();

        auth.MapPost("/login/", Login).AllowAnonymous().RequireRateLimiting(AuthRateLimitPolicies.Login).Validated();
        auth.MapPost("/refresh/", Refresh).AllowAnonymous().Validated();
        auth.MapPost("/logout/", Logout).AllowAnonymous().Validated();

        auth.MapPost("/password-reset/", RequestPasswordReset).AllowAnonymous()
            .RequireRateLimiting(AuthRateLimitPolicies.PasswordReset).Validated();
        auth.MapPost("/password-reset/confirm/", ConfirmPasswordReset).AllowAnonymous().Validated();

        auth.MapGet("/me/", GetMe);
        auth.MapPatch("/me/", UpdateMe).Validated();
        auth.MapDelete("/me/", DeleteMe).Validated();

        return auth;
    }
}
