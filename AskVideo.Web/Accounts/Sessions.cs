using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace AskVideo.Web.Accounts;

public static class Sessions
{
    /// <summary>
    /// The sign-in is a cookie (HttpOnly, SameSite=Lax) whose encrypted ticket holds the Api's
    /// tokens; the browser never sees a token.
    /// </summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "askvideo.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/not-found";
                // As long as the Api's refresh token; each rewrite (after a refresh) extends it.
                options.ExpireTimeSpan = TimeSpan.FromDays(14);
                options.SlidingExpiration = false;
                options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status404NotFound);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<TokenStore>();
        return builder;
    }

    /// <summary>
    /// Keeps each request's tokens fresh: refreshes an access token about to expire and rewrites the
    /// cookie when the session has newer tokens than it holds (refreshed here or in a live page).
    /// A session whose refresh is refused is signed out.
    /// </summary>
    public static IApplicationBuilder UseSessionRenewal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true && !IsStaticAsset(context.Request.Path))
        {
            var tokens = context.RequestServices.GetRequiredService<TokenStore>();
            var fresh = await tokens.GetFreshAsync(context.User, context.RequestAborted);
            if (fresh is null)
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            }
            else if (SessionClaims.Tokens(context.User) != fresh)
            {
                context.User = SessionClaims.WithTokens(context.User, fresh);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, context.User);
            }
        }
        await next(context);
    });

    /// <summary>POST /account/signout: ends the login at the Api, then drops the cookie.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // The form field makes the endpoint read the form, and so check its antiforgery token.
        app.MapPost("/account/signout", SignOutAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, TokenStore tokens, [FromForm] string? returnUrl, CancellationToken cancellationToken)
    {
        _ = returnUrl;
        await tokens.LogoutAsync(context.User, cancellationToken);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/signin");
    }

    private static bool IsStaticAsset(PathString path) =>
        path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content") || Path.HasExtension(path.Value);

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // Scripts and the proxy get a status; people get the sign-in page.
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
