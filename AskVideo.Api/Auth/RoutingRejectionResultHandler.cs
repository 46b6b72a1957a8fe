using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AskVideo.Api.Auth;

/// <summary>
/// When routing found the path but not the method (405) or the content type (415), it answers
/// through an endpoint of its own that the fallback policy would turn into a 401. A client posting
/// a form to the login endpoint deserves to hear that JSON is expected, so those answers pass.
/// </summary>
internal sealed class RoutingRejectionResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var name = context.GetEndpoint()?.DisplayName;
        if (!authorizeResult.Succeeded && name is not null
            && (name.StartsWith("405 HTTP", StringComparison.Ordinal) || name.StartsWith("415 HTTP", StringComparison.Ordinal)))
        {
            return next(context);
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
