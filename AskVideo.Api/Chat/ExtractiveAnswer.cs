using System.Globalization;
using System.Text;

namespace AskVideo.Api.Chat;

/// <summary>
/// The answer written without a language model: the best moments quoted briefly, each with its
/// marker and where it is said, then the further moments by marker and time only, all within a
/// character budget, so a reader sees the answer rather than a transcript.
/// </summary>
public static class ExtractiveAnswer
{
    public const string Lead = "From the transcripts:";

    /// <summary>Moments quoted in full sentences; the rest are listed by time.</summary>
    public const int MaxQuoted = 3;

    /// <summary>
    /// Moments the answer points at when there are that many: room for those listed by time is kept
    /// before the quotes take theirs, so that a reader whose answer is not in the quotes still
    /// finds it among the next few moments, at the cost of a few characters of quote.
    /// </summary>
    public const int MinListed = 5;

    private const int MinQuoteChars = 60;
    private const int MaxTitleChars = 40;

    /// <summary>The answer, and the moments of <paramref name="best"/> (best first, numbered from 1) that it cites.</summary>
    public static (string Content, IReadOnlyList<ChatCitation> Cited) Write(IReadOnlyList<ChatCitation> best, int maxChars)
    {
        var text = new StringBuilder(Lead);
        var cited = new List<ChatCitation>();
        var listed = best.Take(MinListed).Skip(MaxQuoted).ToList();
        var reserved = listed.Select((m, i) => AlsoEntry(m, i == 0).Length).Sum();
        foreach (var moment in best.Take(MaxQuoted))
        {
            var place = $" [{moment.N}] ({Title(moment.Title)}, {ChatApi.Clock(moment.Start)})";
            // The first quote may take up to 300 characters, later ones half of what is left.
            var room = maxChars - reserved - text.Length - 4 - place.Length;
            var share = cited.Count == 0 ? Math.Max(room / 2, Math.Min(room, 300)) : room / 2;
            if (share < MinQuoteChars && cited.Count > 0)
            {
                break;
            }
            text.Append("\n\n\"").Append(Shorten(moment.Quote, Math.Max(share, 1))).Append('"').Append(place);
            cited.Add(moment);
        }
        var also = new StringBuilder();
        foreach (var moment in best.Skip(cited.Count))
        {
            var entry = AlsoEntry(moment, also.Length == 0);
            if (text.Length + also.Length + entry.Length > maxChars || moment.N != cited.Count + 1)
            {
                break;
            }
            also.Append(entry);
            cited.Add(moment);
        }
        return (text.Append(also).ToString(), cited);
    }

    private static string AlsoEntry(ChatCitation moment, bool first) => string.Create(CultureInfo.InvariantCulture,
        $"{(first ? "\n\nAlso at " : "; ")}[{moment.N}] {Title(moment.Title)}, {ChatApi.Clock(moment.Start)}");

    /// <summary>At most <paramref name="max"/> characters of <paramref name="quote"/>, cut after a word, with an ellipsis.</summary>
    public static string Shorten(string quote, int max)
    {
        quote = quote.Trim();
        if (quote.Length <= max)
        {
            return quote;
        }
        var cut = max - 1;
        if (char.IsLowSurrogate(quote[cut]))
        {
            cut--;
        }
        var space = quote.LastIndexOf(' ', cut);
        // Text without spaces (Chinese, Japanese) is cut at the character.
        if (space > max / 2)
        {
            cut = space;
        }
        return quote[..cut].TrimEnd() + "…";
    }

    private static string Title(string title) => Shorten(title.ReplaceLineEndings(" "), MaxTitleChars);
}
