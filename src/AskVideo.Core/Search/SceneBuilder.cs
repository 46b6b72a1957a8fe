using System.Text;

namespace AskVideo.Core.Search;

/// <summary>A timed piece of transcript given to <see cref="SceneBuilder"/>.</summary>
public readonly record struct TimedText(double Start, double End, string Text);

/// <summary>
/// Groups a video's ordered segments into scenes of at most <c>maxTokens</c> words. A span that is
/// too long is split where the topic changes most: every segment is a TF-IDF vector over the
/// video's segments, and the split point k maximises N0·N1·‖μ0−μ1‖² (Otsu's criterion, the
/// between-part separation of the two halves' mean vectors), computed in one pass per span from
/// running sums. Each part is split again until it fits. A single segment longer than the limit is
/// first cut into pieces of the limit, their times interpolated by word position.
/// </summary>
public static class SceneBuilder
{
    public const int DefaultMaxTokens = 512;

    public static IReadOnlyList<TimedText> Build(IEnumerable<TimedText> segments, int maxTokens = DefaultMaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        var units = new List<Unit>();
        foreach (var segment in segments)
        {
            var words = Words(segment.Text);
            if (words.Length > 0)
            {
                units.AddRange(Cut(segment, words, maxTokens));
            }
        }
        if (units.Count == 0)
        {
            return [];
        }

        var vectors = TfIdf(units);
        var scenes = new List<TimedText>();
        var sums = new double[vectors.Terms];
        Split(units, vectors, sums, 0, units.Count, maxTokens, scenes);
        return scenes;
    }

    /// <summary>Words as tokens: runs of non-space characters.</summary>
    public static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private sealed record Unit(double Start, double End, string[] Words);

    private sealed record Vectors(int Terms, (int Term, double Weight)[][] Rows, double[] Norms);

    private static IEnumerable<Unit> Cut(TimedText segment, string[] words, int maxTokens)
    {
        var end = Math.Max(segment.Start, segment.End);
        if (words.Length <= maxTokens)
        {
            yield return new Unit(segment.Start, end, words);
            yield break;
        }
        var duration = end - segment.Start;
        for (var first = 0; first < words.Length; first += maxTokens)
        {
            var last = Math.Min(words.Length, first + maxTokens);
            yield return new Unit(
                segment.Start + duration * first / words.Length,
                segment.Start + duration * last / words.Length,
                words[first..last]);
        }
    }

    /// <summary>Length-normalised TF-IDF rows (smoothed idf), as sparse (term, weight) lists.</summary>
    private static Vectors TfIdf(List<Unit> units)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var counts = new List<Dictionary<int, int>>(units.Count);
        var df = new List<int>();
        foreach (var unit in units)
        {
            var tf = new Dictionary<int, int>();
            foreach (var term in Terms(unit.Words))
            {
                if (!ids.TryGetValue(term, out var id))
                {
                    ids[term] = id = ids.Count;
                    df.Add(0);
                }
                if (!tf.TryAdd(id, 1))
                {
                    tf[id]++;
                }
            }
            foreach (var id in tf.Keys)
            {
                df[id]++;
            }
            counts.Add(tf);
        }

        var n = units.Count;
        var rows = new (int, double)[n][];
        var norms = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = counts[i].Select(c => (c.Key, c.Value * (Math.Log((1.0 + n) / (1.0 + df[c.Key])) + 1))).ToArray();
            var length = Math.Sqrt(row.Sum(r => r.Item2 * r.Item2));
            rows[i] = length > 0 ? [.. row.Select(r => (r.Key, r.Item2 / length))] : [];
            norms[i] = rows[i].Sum(r => r.Item2 * r.Item2);
        }
        return new Vectors(ids.Count, rows, norms);
    }

    /// <summary>Lower-cased words without surrounding punctuation.</summary>
    private static IEnumerable<string> Terms(string[] words)
    {
        foreach (var word in words)
        {
            var builder = new StringBuilder(word.Length);
            foreach (var c in word)
            {
                if (char.IsLetterOrDigit(c))
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
            }
            if (builder.Length > 0)
            {
                yield return builder.ToString();
            }
        }
    }

    private static void Split(List<Unit> units, Vectors vectors, double[] sums, int from, int to, int maxTokens, List<TimedText> scenes)
    {
        var tokens = 0;
        for (var i = from; i < to; i++)
        {
            tokens += units[i].Words.Length;
        }
        if (tokens <= maxTokens || to - from == 1)
        {
            scenes.Add(new TimedText(units[from].Start, units[to - 1].End, string.Join(' ', units[from..to].SelectMany(u => u.Words))));
            return;
        }
        var k = BestSplit(units, vectors, sums, from, to, tokens);
        Split(units, vectors, sums, from, k, maxTokens, scenes);
        Split(units, vectors, sums, k, to, maxTokens, scenes);
    }

    /// <summary>
    /// The k in (from, to) that maximises N0·N1·‖μ0−μ1‖², with μ0 = S/N0 and μ1 = (T−S)/N1 for the
    /// running sum S of the first part and the span's total T. ‖μ0−μ1‖² needs only ‖S‖², S·T and
    /// ‖T‖², each updated in O(non-zero terms) as one more row joins S. When no split separates
    /// anything (all rows alike), the span is cut where half of its words lie on each side.
    /// </summary>
    private static int BestSplit(List<Unit> units, Vectors vectors, double[] sums, int from, int to, int tokens)
    {
        // T, kept in `sums` while the span is scanned, then S is accumulated in a second array.
        var total = sums;
        var touched = new List<int>();
        for (var i = from; i < to; i++)
        {
            foreach (var (term, weight) in vectors.Rows[i])
            {
                if (total[term] == 0)
                {
                    touched.Add(term);
                }
                total[term] += weight;
            }
        }
        var totalNorm = touched.Sum(t => total[t] * total[t]);

        var prefix = new Dictionary<int, double>();
        double prefixNorm = 0, prefixDotTotal = 0;
        var best = -1;
        var bestScore = 1e-12;
        var words = 0;
        var balanced = from + 1;
        for (var k = from + 1; k < to; k++)
        {
            var row = vectors.Rows[k - 1];
            foreach (var (term, weight) in row)
            {
                var s = prefix.GetValueOrDefault(term);
                prefixNorm += 2 * s * weight;
                prefixDotTotal += weight * total[term];
                prefix[term] = s + weight;
            }
            prefixNorm += vectors.Norms[k - 1];

            words += units[k - 1].Words.Length;
            if (words * 2 <= tokens)
            {
                balanced = k;
            }

            double n0 = k - from, n1 = to - k;
            var restNorm = totalNorm - 2 * prefixDotTotal + prefixNorm;
            var cross = prefixDotTotal - prefixNorm;
            var distance = prefixNorm / (n0 * n0) + restNorm / (n1 * n1) - 2 * cross / (n0 * n1);
            var score = n0 * n1 * distance;
            if (score > bestScore * (1 + 1e-9))
            {
                bestScore = score;
                best = k;
            }
        }
        foreach (var term in touched)
        {
            total[term] = 0;
        }
        return best > 0 ? best : balanced;
    }
}
