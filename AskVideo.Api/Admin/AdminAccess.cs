using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AskVideo.Api.Admin;

/// <summary>The signed-in caller holds the admin role and is active.</summary>
public sealed class AdminRequirement : IAuthorizationRequirement;

internal sealed class AdminRequirementHandler(UserStatusCache statuses) : AuthorizationHandler<AdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        var cancellationToken = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (context.User.TryGetUserId(out var id) && await statuses.GetAsync(id, cancellationToken) is { IsActive: true, IsAdmin: true })
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Everything under /api/admin/ that refuses a caller answers 404, as if it did not exist: the
/// admin area is not advertised to users, guests or scanners. That includes what routing answers
/// on its own (405 for a method the path does not take, under the fallback policy rather than the
/// admin one), which would otherwise tell a signed-in user that the path exists. Every other
/// refusal goes on to the handler that was registered before.
/// </summary>
internal sealed class AdminHidingResultHandler(IAuthorizationMiddlewareResultHandler inner, UserStatusCache statuses)
    : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (context.Request.Path.StartsWithSegments(AdminApi.Prefix, StringComparison.OrdinalIgnoreCase)
            && (!authorizeResult.Succeeded || !await IsAdminAsync(context, policy)))
        {
            await AdminApi.NotFound().ExecuteAsync(context);
            return;
        }
        await inner.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>True when the policy that passed was the admin one, or the caller is an active admin.</summary>
    private async Task<bool> IsAdminAsync(HttpContext context, AuthorizationPolicy policy) =>
        policy.Requirements.OfType<AdminRequirement>().Any()
        || (context.User.TryGetUserId(out var id) && await statuses.GetAsync(id, context.RequestAborted) is { IsActive: true, IsAdmin: true });
}

internal static class AccountStatusChecks
{
    /// <summary>Refuses a valid access token whose account is deactivated or gone (within the cache's bound).</summary>
    public static void RefuseInactiveAccounts(JwtBearerOptions bearer)
    {
        bearer.Events ??= new JwtBearerEvents();
        var previous = bearer.Events.OnTokenValidated;
        bearer.Events.OnTokenValidated = async context =>
        {
            await previous(context);
            if (context.Result is { Failure: not null } || context.Principal is null)
            {
                return;
            }
            var statuses = context.HttpContext.RequestServices.GetRequiredService<UserStatusCache>();
            if (!context.Principal.TryGetUserId(out var id)
                || !(await statuses.GetAsync(id, context.HttpContext.RequestAborted)).IsActive)
            {
                context.Fail("The account is deactivated.");
            }
        };
    }
}
