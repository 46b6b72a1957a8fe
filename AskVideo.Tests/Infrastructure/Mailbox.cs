using System.Text.RegularExpressions;
using System.Web;
using MimeKit;

namespace AskVideo.Tests.Infrastructure;

/// <summary>Reads the messages the API wrote to its pickup folder.</summary>
public sealed partial class Mailbox(string directory)
{
    public IReadOnlyList<MimeMessage> To(string address)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        return Directory.EnumerateFiles(directory, "*.eml")
            .Order(StringComparer.Ordinal)
            .Select(path => MimeMessage.Load(path))
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>The uid and token of the newest link to <paramref name="page"/> sent to the address.</summary>
    public (string Uid, string Token) LatestLink(string address, string page)
    {
        var message = To(address).LastOrDefault(m => LinkPattern().IsMatch(m.TextBody ?? "") && m.TextBody!.Contains($"/{page}?", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No {page} link was mailed to {address}.");
        var link = new Uri(LinkPattern().Matches(message.TextBody!).First(m => m.Value.Contains($"/{page}?", StringComparison.Ordinal)).Value);
        var query = HttpUtility.ParseQueryString(link.Query);
        return (query["uid"]!, query["token"]!);
    }

    [GeneratedRegex(@"https?://\S+\?uid=\S+")]
    private static partial Regex LinkPattern();
}
