using System.Text;

namespace AskVideo.Core.Search;

/// <summary>A timed piece of transcript given to <see cref="SceneBuilder"/>.</summary>
public readonly record struct TimedText(double Start, double End, string Text);

/// <summary>A scene <see cref="SceneBuilder"/> made: its time and text, and the timed segments (or pieces of one) it is made of.</summary>
/// <param name="Sources">For each of <paramref name="Segments"/>, the position of the input segment it comes from
/// (a segment longer than the limit gives several pieces).</param>
public sealed record BuiltScene(double Start, double End, string Text, IReadOnlyList<TimedText> Segments, IReadOnlyList<int> Sources);

/// <summary>
/// Groups a video's ordered segments into scenes of at most <c>maxTokens</c> tokens. A span that is
/// too long is split where the topic changes most: every segment is a vector (its embedding when a
/// model is configured, a TF-IDF vector over the video's segments otherwise, both of unit length),
/// and the split point k maximises N0·N1·‖μ0−μ1‖² (Otsu's criterion, the between-part separation
/// of the two halves' mean vectors), computed in one pass per span from running sums. Each part is
/// split again until it fits. A single segment longer than the limit is first cut into pieces of
/// the limit, their times interpolated by token position; the pieces share their segment's vector.
/// </summary>
/// <remarks>
/// A token is a run of non-space characters, except that every Chinese, Japanese or Korean
/// character is a token of its own: those languages are written without spaces, and a sentence
/// counted as one word would let a scene grow without bound.
/// </remarks>
public static class SceneBuilder
{
    public const int DefaultMaxTokens = 512;

    /// <summary>Scenes split on TF-IDF vectors of the segments.</summary>
    public static IReadOnlyList<BuiltScene> Build(IEnumerable<TimedText> segments, int maxTokens = DefaultMaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        var units = Units(segments.ToList(), maxTokens);
        return units.Count == 0 ? [] : Split(units, TfIdf(units), maxTokens);
    }

    /// <summary>
    /// Scenes split on the given dense vectors, one per segment (embeddings), each normalised to
    /// unit length so that the criterion compares directions (cosine), not magnitudes.
    /// </summary>
    public static IReadOnlyList<BuiltScene> Build(
        IReadOnlyList<TimedText> segments, IReadOnlyList<ReadOnlyMemory<float>> vectors, int maxTokens = DefaultMaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        if (vectors.Count != segments.Count)
        {
            throw new ArgumentException($"{vectors.Count} vectors were given for {segments.Count} segments.", nameof(vectors));
        }
        var units = Units(segments, maxTokens);
        return units.Count == 0 ? [] : Split(units, Dense(units, vectors), maxTokens);
    }

    /// <summary>Words: runs of non-space characters (what a scene's text is made of when it has no CJK characters).</summary>
    public static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>How many tokens <paramref name="text"/> counts for against the limit.</summary>
    public static int CountTokens(string text) => Tokenize(text).Count();

    private readonly record struct Token(string Text, bool SpaceBefore, bool Cjk);

    /// <param name="Joint">What goes between the previous unit and this one: a space, or nothing
    /// inside a cut CJK run.</param>
    /// <param name="Segment">The segment the unit comes from.</param>
    private sealed record Unit(double Start, double End, Token[] Tokens, string Joint, int Segment);

    private sealed record Vectors(int Terms, (int Term, double Weight)[][] Rows, double[] Norms);

    private static IEnumerable<Token> Tokenize(string text)
    {
        var word = new StringBuilder();
        var space = false;
        var wordSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var cjk = SearchText.IsCjk(rune);
            if (Rune.IsWhiteSpace(rune) || cjk)
            {
                if (word.Length > 0)
                {
                    yield return new Token(word.ToString(), wordSpace, false);
                    word.Clear();
                    space = false;
                }
                if (cjk)
                {
                    yield return new Token(rune.ToString(), space, true);
                    space = false;
                }
                else
                {
                    space = true;
                }
                continue;
            }
            if (word.Length == 0)
            {
                wordSpace = space;
            }
            word.Append(rune.ToString());
        }
        if (word.Length > 0)
        {
            yield return new Token(word.ToString(), wordSpace, false);
        }
    }

    private static List<Unit> Units(IReadOnlyList<TimedText> segments, int maxTokens)
    {
        var units = new List<Unit>();
        for (var i = 0; i < segments.Count; i++)
        {
            var tokens = Tokenize(segments[i].Text).ToArray();
            if (tokens.Length > 0)
            {
                units.AddRange(Cut(segments[i], i, tokens, maxTokens));
            }
        }
        return units;
    }

    private static IEnumerable<Unit> Cut(TimedText segment, int index, Token[] tokens, int maxTokens)
    {
        var end = Math.Max(segment.Start, segment.End);
        if (tokens.Length <= maxTokens)
        {
            yield return new Unit(segment.Start, end, tokens, " ", index);
            yield break;
        }
        var duration = end - segment.Start;
        for (var first = 0; first < tokens.Length; first += maxTokens)
        {
            var last = Math.Min(tokens.Length, first + maxTokens);
            yield return new Unit(
                segment.Start + duration * first / tokens.Length,
                segment.Start + duration * last / tokens.Length,
                tokens[first..last],
                first == 0 || tokens[first].SpaceBefore ? " " : "",
                index);
        }
    }

    /// <summary>The units' text: tokens as they were written, whitespace collapsed to one space.</summary>
    private static string Text(List<Unit> units, int from, int to)
    {
        var text = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            if (i > from)
            {
                text.Append(units[i].Joint);
            }
            var tokens = units[i].Tokens;
            for (var j = 0; j < tokens.Length; j++)
            {
                if (j > 0 && tokens[j].SpaceBefore)
                {
                    text.Append(' ');
                }
                text.Append(tokens[j].Text);
            }
        }
        return text.ToString();
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
            foreach (var term in Terms(unit.Tokens))
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

    /// <summary>Each unit's segment vector at unit length, its zero entries left out.</summary>
    private static Vectors Dense(List<Unit> units, IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        var rows = new (int, double)[units.Count][];
        var norms = new double[units.Count];
        var terms = 0;
        var normalised = new Dictionary<int, (int, double)[]>();
        for (var i = 0; i < units.Count; i++)
        {
            var segment = units[i].Segment;
            if (!normalised.TryGetValue(segment, out var row))
            {
                var span = vectors[segment].Span;
                double length = 0;
                foreach (var value in span)
                {
                    length += (double)value * value;
                }
                length = Math.Sqrt(length);
                var entries = new List<(int, double)>();
                for (var d = 0; d < span.Length; d++)
                {
                    if (span[d] != 0 && length > 0)
                    {
                        entries.Add((d, span[d] / length));
                    }
                }
                normalised[segment] = row = [.. entries];
                terms = Math.Max(terms, span.Length);
            }
            rows[i] = row;
            norms[i] = row.Sum(r => r.Item2 * r.Item2);
        }
        return new Vectors(terms, rows, norms);
    }

    /// <summary>
    /// Lower-cased words without surrounding punctuation; a run of CJK characters gives its
    /// overlapping character bigrams (a lone character gives itself), as <see cref="SearchText"/> does.
    /// </summary>
    private static IEnumerable<string> Terms(Token[] tokens)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Cjk)
            {
                var joinsNext = i + 1 < tokens.Length && tokens[i + 1].Cjk && !tokens[i + 1].SpaceBefore;
                var joinsPrevious = i > 0 && tokens[i - 1].Cjk && !token.SpaceBefore;
                if (joinsNext)
                {
                    yield return token.Text + tokens[i + 1].Text;
                }
                else if (!joinsPrevious)
                {
                    yield return token.Text;
                }
                continue;
            }
            var builder = new StringBuilder(token.Text.Length);
            foreach (var c in token.Text)
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

    private static List<BuiltScene> Split(List<Unit> units, Vectors vectors, int maxTokens)
    {
        var scenes = new List<BuiltScene>();
        Split(units, vectors, new Sums(vectors.Terms), 0, units.Count, maxTokens, scenes);
        return scenes;
    }

    /// <summary>T and S of <see cref="BestSplit"/>, as wide as the vectors, and which terms are in use.</summary>
    private sealed class Sums(int terms)
    {
        public double[] Total { get; } = new double[terms];
        public double[] Prefix { get; } = new double[terms];
        public bool[] Used { get; } = new bool[terms];
    }

    private static void Split(List<Unit> units, Vectors vectors, Sums sums, int from, int to, int maxTokens, List<BuiltScene> scenes)
    {
        var tokens = 0;
        for (var i = from; i < to; i++)
        {
            tokens += units[i].Tokens.Length;
        }
        if (tokens <= maxTokens || to - from == 1)
        {
            var segments = new List<TimedText>(to - from);
            var sources = new List<int>(to - from);
            for (var i = from; i < to; i++)
            {
                segments.Add(new TimedText(units[i].Start, units[i].End, Text(units, i, i + 1)));
                sources.Add(units[i].Segment);
            }
            scenes.Add(new BuiltScene(units[from].Start, units[to - 1].End, Text(units, from, to), segments, sources));
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
    /// anything (all rows alike), the span is cut where half of its tokens lie on each side.
    /// </summary>
    private static int BestSplit(List<Unit> units, Vectors vectors, Sums sums, int from, int to, int tokens)
    {
        var (total, prefix, used) = (sums.Total, sums.Prefix, sums.Used);
        var touched = new List<int>();
        for (var i = from; i < to; i++)
        {
            foreach (var (term, weight) in vectors.Rows[i])
            {
                if (!used[term])
                {
                    used[term] = true;
                    touched.Add(term);
                }
                total[term] += weight;
            }
        }
        var totalNorm = touched.Sum(t => total[t] * total[t]);

        double prefixNorm = 0, prefixDotTotal = 0;
        var best = -1;
        var bestScore = 1e-12;
        var seen = 0;
        var balanced = from + 1;
        for (var k = from + 1; k < to; k++)
        {
            foreach (var (term, weight) in vectors.Rows[k - 1])
            {
                var s = prefix[term];
                prefixNorm += 2 * s * weight;
                prefixDotTotal += weight * total[term];
                prefix[term] = s + weight;
            }
            prefixNorm += vectors.Norms[k - 1];

            seen += units[k - 1].Tokens.Length;
            if (seen * 2 <= tokens)
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
            prefix[term] = 0;
            used[term] = false;
        }
        return best > 0 ? best : balanced;
    }
}
