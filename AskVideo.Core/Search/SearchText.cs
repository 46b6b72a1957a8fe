using System.Text;

namespace AskVideo.Core.Search;

/// <summary>
/// Chinese and Japanese are written without spaces, so PostgreSQL's parser would take a whole
/// sentence for one word and no question would match it. Each run of Chinese, Japanese or Korean
/// characters is therefore written out as its overlapping character bigrams ("東京タワー" becomes
/// "東京 京タ タワ ワー"), the same way for the stored passage and for the question, so a question
/// matches a passage that shares its bigrams without any language model.
/// </summary>
public static class SearchText
{
    /// <summary>The text to index, or null when it holds no CJK characters (the text itself is indexed).</summary>
    public static string? ForIndex(string text)
    {
        if (!text.EnumerateRunes().Any(IsCjk))
        {
            return null;
        }
        var result = new StringBuilder(text.Length * 3);
        var run = new List<Rune>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                run.Add(rune);
                continue;
            }
            AppendBigrams(result, run);
            result.Append(rune.ToString());
        }
        AppendBigrams(result, run);
        return result.ToString();
    }

    /// <summary>True when <paramref name="text"/> holds Chinese, Japanese or Korean characters.</summary>
    public static bool HasCjk(string text) => text.EnumerateRunes().Any(IsCjk);

    /// <summary>
    /// The terms of a text holding CJK characters, as the 'simple' full-text configuration makes
    /// them of its bigram text: the bigrams, and the other words lower-cased.
    /// </summary>
    public static List<string> BigramTerms(string text)
    {
        var terms = new List<string>();
        var term = new StringBuilder();
        foreach (var rune in (ForIndex(text) ?? text).EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                term.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }
            if (term.Length > 0)
            {
                terms.Add(term.ToString());
                term.Clear();
            }
        }
        if (term.Length > 0)
        {
            terms.Add(term.ToString());
        }
        return terms;
    }

    /// <summary>The question as retrieval searches it: bigrams for CJK runs, the text itself otherwise.</summary>
    public static string ForQuery(string text) => ForIndex(text) ?? text;

    private static void AppendBigrams(StringBuilder result, List<Rune> run)
    {
        if (run.Count == 0)
        {
            return;
        }
        result.Append(' ');
        if (run.Count == 1)
        {
            result.Append(run[0].ToString());
        }
        for (var i = 0; i + 1 < run.Count; i++)
        {
            result.Append(run[i].ToString()).Append(run[i + 1].ToString()).Append(' ');
        }
        result.Append(' ');
        run.Clear();
    }

    /// <summary>Han ideographs, Hiragana, Katakana (with the long vowel mark) and Hangul.</summary>
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x3040 and <= 0x30FF => true,   // Hiragana, Katakana
        >= 0x31F0 and <= 0x31FF => true,   // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true,   // Han extension A
        >= 0x4E00 and <= 0x9FFF => true,   // Han
        >= 0xF900 and <= 0xFAFF => true,   // Han compatibility
        >= 0xFF66 and <= 0xFF9F => true,   // half-width Katakana
        >= 0x1100 and <= 0x11FF => true,   // Hangul Jamo
        >= 0x3130 and <= 0x318F => true,   // Hangul compatibility Jamo
        >= 0xAC00 and <= 0xD7AF => true,   // Hangul syllables
        >= 0x20000 and <= 0x3FFFF => true, // Han extensions B and later
        _ => false,
    };
}
