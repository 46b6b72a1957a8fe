using System.Security.Cryptography;
using AskVideo.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AskVideo.Api.Auth;

/// <summary>The key that signs and verifies access tokens, resolved once at start.</summary>
public sealed class JwtSigningKey
{
    public SymmetricSecurityKey Key { get; }

    public JwtSigningKey(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<JwtSigningKey> logger)
    {
        var bytes = SecretKeys.Resolve(options.Value.SigningKey, "Jwt:SigningKey", options.Value.KeyFile, environment, logger);
        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexString(SHA256.HashData(bytes))[..16] };
    }
}
