using System.Security.Claims;

namespace AskVideo.Web.Accounts;

/// <summary>The Api's tokens of one sign-in, with the moment the access token stops working.</summary>
public sealed record SessionTokens(string Access, string Refresh, DateTimeOffset AccessExpires);

/// <summary>
/// What the session cookie's principal holds. The cookie is encrypted by Data Protection, so the
/// tokens stay on the server side of the browser: pages never see them and scripts cannot read them.
/// </summary>
public static class SessionClaims
{
    public const string SessionId = "sid";
    public const string UserId = "uid";
    public const string Email = "email";
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string AccessExpires = "access_expires";
    public const string AuthenticationType = "askvideo-session";
    public const string AdminRole = "admin";

    public static ClaimsPrincipal Create(string sessionId, int userId, string username, string email, bool isAdmin, SessionTokens tokens)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(SessionId, sessionId),
            new Claim(UserId, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, username),
            new Claim(Email, email),
        ], AuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        if (isAdmin)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, AdminRole));
        }
        return WithTokens(new ClaimsPrincipal(identity), tokens);
    }

    /// <summary>The same person with newer tokens.</summary>
    public static ClaimsPrincipal WithTokens(ClaimsPrincipal user, SessionTokens tokens)
    {
        var identity = new ClaimsIdentity(
            user.Claims.Where(c => c.Type is not (AccessToken or RefreshToken or AccessExpires)),
            AuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(AccessToken, tokens.Access));
        identity.AddClaim(new Claim(RefreshToken, tokens.Refresh));
        identity.AddClaim(new Claim(AccessExpires, tokens.AccessExpires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(identity);
    }

    public static SessionTokens? Tokens(ClaimsPrincipal user) =>
        user.FindFirstValue(AccessToken) is { } access
        && user.FindFirstValue(RefreshToken) is { } refresh
        && long.TryParse(user.FindFirstValue(AccessExpires), out var expires)
            ? new SessionTokens(access, refresh, DateTimeOffset.FromUnixTimeSeconds(expires))
            : null;

    public static string? Session(ClaimsPrincipal user) => user.FindFirstValue(SessionId);

    public static int? User(ClaimsPrincipal user) => int.TryParse(user.FindFirstValue(UserId), out var id) ? id : null;
}
