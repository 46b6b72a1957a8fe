using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AskVideo.Tests.Infrastructure;

/// <summary>Access tokens made the way the API makes them, with one property changed at will.</summary>
public static class TestTokens
{
    public static string Mint(
        this ApiFactory api, int userId, DateTime? expires = null, string? audience = null, string? issuer = null, byte[]? key = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? "askvideo",
            Audience = audience ?? "askvideo-api",
            IssuedAt = expiry.AddMinutes(-15),
            NotBefore = expiry.AddMinutes(-15),
            Expires = expiry,
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString(CultureInfo.InvariantCulture))]),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(key ?? Convert.FromBase64String(api.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
