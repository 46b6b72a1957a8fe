using System.Security.Cryptography;
using System.Text;

namespace AskVideo.Api.Auth;

/// <summary>Random opaque tokens handed to clients, and the hashes stored in their place.</summary>
public static class SecretTokens
{
    /// <summary>256 random bits, URL-safe.</summary>
    public static string New() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
