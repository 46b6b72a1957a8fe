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
/// admin area is not advertised to users, guests or scanners. Every other refusal goes on to the
/// handler that was registered before.
/// </summary>
internal sealed class AdminHidingResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && context.Request.Path.StartsWithSegments(AdminApi.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            await AdminApi.NotFound().ExecuteAsync(context);
            return;
        }
        await inner.HandleAsync(next, context, policy, authorizeResult);
    }
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
