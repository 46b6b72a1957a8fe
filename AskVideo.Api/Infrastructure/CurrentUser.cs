using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AskVideo.Api.Infrastructure;

public static class CurrentUser
{
    /// <summary>The signed-in user's id, from the access token's subject.</summary>
    public static int UserId(this ClaimsPrincipal principal) =>
        principal.TryGetUserId(out var id)
            ? id
            : throw new InvalidOperationException("The access token has no numeric subject; the endpoint must require a signed-in user.");

    /// <summary>For endpoints open to anonymous callers: false when nobody is signed in.</summary>
    public static bool TryGetUserId(this ClaimsPrincipal principal, out int id) =>
        int.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
