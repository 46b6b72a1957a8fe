using System.Buffers.Text;
using System.Security.Cryptography;
using AskVideo.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Sharing;

/// <summary>
/// New share tokens (256 random bits, base64url) and the links that carry them. What a token opens
/// is <see cref="ShareAccess"/>'s to say.
/// </summary>
public sealed class ShareLinks(IOptions<SharingOptions> options)
{
    private const int TokenBytes = 32;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    public string UrlFor(string token) => $"{options.Value.LinkBaseUrl.TrimEnd('/')}/share/{token}";
}
