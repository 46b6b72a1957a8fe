using System.Text;
using System.Text.RegularExpressions;

namespace AskVideo.Api.Chat;

/// <summary>
/// Keeps the model honest about its sources: a marker <c>[n]</c> (or <c>[n, m]</c>) that names no
/// retrieved passage is removed, together with the space before it, and the passages the kept
/// markers name are the answer's citations. Works on a stream of text pieces: a piece that might
/// end inside a marker (or in spaces a removed marker would take along) is held back until the
/// next piece settles it, so what is streamed is exactly what is stored.
/// </summary>
public sealed partial class CitationMarkers(int passageCount)
{
    // A marker cannot be longer than this; an open bracket further back is plain text.
    private const int MaxMarkerLength = 24;

    private readonly StringBuilder _pending = new();
    private readonly SortedSet<int> _cited = [];

    /// <summary>The passage numbers the text so far cites, ascending.</summary>
    public IReadOnlyCollection<int> Cited => _cited;

    /// <summary>Cleans a whole answer at once.</summary>
    public string Clean(string text) => Push(text) + Flush();

    /// <summary>Takes the next piece; returns the text that is now safe to show.</summary>
    public string Push(string piece)
    {
        _pending.Append(piece);
        var text = _pending.ToString();
        var keep = HeldBackFrom(text);
        _pending.Clear().Append(text, keep, text.Length - keep);
        return Replace(text[..keep]);
    }

    /// <summary>The rest, at the end of the answer.</summary>
    public string Flush()
    {
        var text = _pending.ToString();
        _pending.Clear();
        return Replace(text);
    }

    /// <summary>Where the unsettled tail begins: trailing spaces, or an open bracket that may become a marker.</summary>
    private static int HeldBackFrom(string text)
    {
        var open = text.LastIndexOf('[');
        var start = text.Length;
        if (open >= 0 && text.IndexOf(']', open) < 0 && text.Length - open <= MaxMarkerLength && MarkerPrefix().IsMatch(text[open..]))
        {
            start = open;
        }
        while (start > 0 && char.IsWhiteSpace(text[start - 1]) && text[start - 1] is not ('\n' or '\r'))
        {
            start--;
        }
        return start;
    }

    private string Replace(string text) => Marker().Replace(text, match =>
    {
        var valid = match.Groups["numbers"].Value
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => int.TryParse(n, out var number) ? number : 0)
            .Where(n => n >= 1 && n <= passageCount)
            .Distinct()
            .ToList();
        if (valid.Count == 0)
        {
            return "";
        }
        _cited.UnionWith(valid);
        return match.Groups["space"].Value + "[" + string.Join(", ", valid) + "]";
    });

    [GeneratedRegex(@"(?<space>[ \t]*)\[(?<numbers>\s*\d{1,4}\s*(?:,\s*\d{1,4}\s*)*)\]")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^\[[\d,\s]*$")]
    private static partial Regex MarkerPrefix();
}
