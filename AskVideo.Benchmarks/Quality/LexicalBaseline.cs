using System.Text;
using AskVideo.Core.Search;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// A reference, not the product: BM25 over single transcript segments of a group's videos,
/// in-process, on the same corpus and asks. It shows what a plain lexical search over sentences
/// reaches on these questions, so the product's figures can be read against it. Each answer cites
/// the 5 best segments and quotes the first 3; it says "not covered" (no citations) when the best
/// segment holds less than <see cref="MinCoverage"/> of the question's terms, weighted by IDF.
/// </summary>
internal static class LexicalBaseline
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int Cited = 5;
    public const double MinCoverage = 0.4;

    private static readonly HashSet<string> s_stopWords = [.. """
        a an the is are was were be been being to of in on for and or but how what why which who whom when where
        do does did doing i my me we our you your it its this that these those with from by as at if there their they
        them have has had will would can could should may might must shall into about than then so not no get gets
        up out any all some just also very much many more most such same other another only own too each both
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];

    private sealed record Document(int Video, TimedSegment Segment, Dictionary<string, int> Terms, int Length);

    public static IReadOnlyList<AskResult> Run(QualityCorpus corpus)
    {
        var videoIds = corpus.Videos.Select((v, i) => (v.Key, Id: i + 1)).ToDictionary(p => p.Key, p => p.Id);
        var indexes = corpus.Groups.ToDictionary(g => g.Name, g => Index(g, videoIds));
        return [.. corpus.Asks.Select(ask => Answer(ask, indexes[ask.Group.Name], videoIds))];
    }

    private static (List<Document> Documents, Dictionary<string, double> Idf, double AverageLength) Index(
        CorpusGroup group, IReadOnlyDictionary<string, int> videoIds)
    {
        var documents = group.Videos
            .SelectMany(v => v.Segments.Select(s => (Video: videoIds[v.Key], Segment: s, Terms: Terms(s.Text))))
            .Where(d => d.Terms.Count > 0)
            .Select(d => new Document(d.Video, d.Segment,
                d.Terms.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Count(), StringComparer.Ordinal),
                d.Terms.Count))
            .ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in documents.SelectMany(d => d.Terms.Keys))
        {
            df[term] = df.GetValueOrDefault(term) + 1;
        }
        var n = documents.Count;
        var idf = df.ToDictionary(p => p.Key, p => Math.Log(1 + (n - p.Value + 0.5) / (p.Value + 0.5)), StringComparer.Ordinal);
        return (documents, idf, documents.Average(d => d.Length));
    }

    private static AskResult Answer(
        Ask ask, (List<Document> Documents, Dictionary<string, double> Idf, double AverageLength) index, IReadOnlyDictionary<string, int> videoIds)
    {
        var question = Terms(ask.Question).Distinct(StringComparer.Ordinal).ToList();
        // A word no segment holds weighs as much as the rarest one: asking about it is asking about something
        // absent. A CJK bigram no segment holds is left out: most straddle two words and mean nothing.
        var unseen = index.Idf.Count == 0 ? 1 : index.Idf.Values.Max();
        question.RemoveAll(t => !index.Idf.ContainsKey(t) && SearchText.IsCjk(Rune.GetRuneAt(t, 0)));
        var ranked = index.Documents
            .Select(d => (Document: d, Score: question.Sum(t => Bm25(d, t, index.Idf, index.AverageLength))))
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score)
            .Take(Cited)
            .ToList();
        var weight = question.Sum(t => index.Idf.GetValueOrDefault(t, unseen));
        var coverage = ranked.Count == 0 || weight == 0
            ? 0
            : question.Where(ranked[0].Document.Terms.ContainsKey).Sum(t => index.Idf[t]) / weight;
        if (coverage < MinCoverage)
        {
            return new AskResult(ask, videoIds, "not covered", "baseline", []);
        }
        var citations = ranked.Select((r, i) => new Citation(i + 1, r.Document.Video, "", r.Document.Segment.Start, r.Document.Segment.End,
            r.Document.Segment.Text, null, null, null)).ToList();
        var content = string.Join("\n", citations.Take(3).Select(c => $"[{c.N}] \"{c.Quote}\""));
        return new AskResult(ask, videoIds, content, "baseline", citations);
    }

    private static double Bm25(Document document, string term, Dictionary<string, double> idf, double averageLength)
    {
        if (!document.Terms.TryGetValue(term, out var tf))
        {
            return 0;
        }
        return idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * document.Length / averageLength));
    }

    /// <summary>Lower-cased words less stop words, crudely stemmed; CJK runs as character bigrams, less hiragana pairs.</summary>
    private static List<string> Terms(string text)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        var cjk = new List<string>();
        void FlushWord()
        {
            var w = word.ToString();
            if (w.Length > 1 && !s_stopWords.Contains(w))
            {
                terms.Add(Stem(w));
            }
            word.Clear();
        }
        void FlushCjk()
        {
            if (cjk.Count == 1)
            {
                terms.Add(cjk[0]);
            }
            for (var i = 0; i + 1 < cjk.Count; i++)
            {
                // Two hiragana are nearly always grammar (endings, particles), not content.
                if (!IsHiragana(cjk[i]) || !IsHiragana(cjk[i + 1]))
                {
                    terms.Add(cjk[i] + cjk[i + 1]);
                }
            }
            cjk.Clear();
        }
        foreach (var rune in text.EnumerateRunes())
        {
            if (SearchText.IsCjk(rune))
            {
                FlushWord();
                cjk.Add(rune.ToString());
                continue;
            }
            FlushCjk();
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(rune.ToString().ToLowerInvariant());
            }
            else
            {
                FlushWord();
            }
        }
        FlushWord();
        FlushCjk();
        return terms;
    }

    private static bool IsHiragana(string character) => character[0] is >= '\u3040' and <= '\u309F';

    private static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3)
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }
}
