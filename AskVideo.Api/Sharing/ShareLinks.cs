using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Sharing;

/// <summary>Share tokens (256 random bits, base64url) and the links that carry them.</summary>
public sealed class ShareLinks(IOptions<SharingOptions> options)
{
    private const int TokenBytes = 32;

    /// <summary>The length of every token: 32 bytes in base64url without padding.</summary>
    public const int TokenLength = 43;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>
    /// True for text that could be a token. Anything else is turned away before the database is
    /// asked, so odd input never reaches a query and every lookup is an exact match on the index.
    /// </summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public string UrlFor(string token) => $"{options.Value.LinkBaseUrl.TrimEnd('/')}/share/{token}";
}
