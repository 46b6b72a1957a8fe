namespace AskVideo.Core.Search;

/// <summary>A transcript segment inside a retrieved scene, with the full-text lexemes it holds.</summary>
public sealed record SegmentTerms(double Start, double End, string Text, IReadOnlyCollection<string> Terms)
{
    /// <summary>The cosine similarity of the segment's embedding to the question's; null when either has none.</summary>
    public double? Similarity { get; init; }
}

/// <summary>
/// The few seconds of a passage that a citation points at: one segment, or a few consecutive ones.
/// </summary>
/// <param name="Evidence">The share (0 to 1) of the question's weighted words that the moment holds.</param>
/// <param name="Shape">What the moment having the shape of the answer the question asks for adds to its score (<see cref="AnswerShape"/>, <see cref="MomentOptions.ShapeWeight"/>); 0 when it has not.</param>
/// <param name="Meaning">What the moment's closest segment in meaning adds to its score: <see cref="MomentOptions.VectorWeight"/> times its cosine similarity to the question; 0 without embeddings.</param>
public sealed record Moment(double Start, double End, string Text, double Evidence, double Shape = 0, double Meaning = 0)
{
    /// <summary>What the moment weighs against others: its evidence, its shape and its meaning.</summary>
    public double Score => Evidence + Shape + Meaning;
}

/// <summary>How moments are cut out of passages.</summary>
public sealed class MomentOptions
{
    public const string Section = "Moments";

    /// <summary>Longest moment, in seconds; a single segment longer than this stays whole.</summary>
    public double MaxSeconds { get; set; } = 30;

    /// <summary>A moment shorter than this takes in its neighbouring segments, for context.</summary>
    public double MinSeconds { get; set; } = 6;

    /// <summary>
    /// What a moment's length costs, as a share of the question's whole weight per
    /// <see cref="MaxSeconds"/>: a segment is only taken in when its words outweigh its length.
    /// </summary>
    public double LengthPenalty { get; set; } = 0.05;

    /// <summary>Moments found in each scene: the best, then the best of the rest, and so on.</summary>
    public int PerScene { get; set; } = 3;

    /// <summary>How much the question's words held anywhere in a scene count for its rank, beside those of its best moment.</summary>
    public double SceneWeight { get; set; } = 0.25;

    /// <summary>
    /// What a moment having the shape of the answer (a number for "how many", a name for "who")
    /// counts for, as a share of the question's whole weight, in choosing and ranking moments. It
    /// is not evidence that the videos cover the question.
    /// </summary>
    public double ShapeWeight { get; set; } = 0.15;

    /// <summary>
    /// What a moment's meaning counts for, with embeddings: the cosine similarity of its closest
    /// segment to the question, times this, as a share of the question's whole weight. It finds
    /// the sentence that says in other words what the question asks, and is not evidence that
    /// the videos cover the question. 2 is the middle of the best range on the quality benchmark
    /// with all-MiniLM-L6-v2 (1 to 3 gave hit@1 0.713 to 0.728; 0, words alone, 0.678).
    /// </summary>
    public double VectorWeight { get; set; } = 2;
}

/// <summary>
/// Finds the moment inside a passage that best answers a question. Each of the question's lexemes
/// has a weight (its inverse document frequency); a window of consecutive segments scores the
/// weights of the distinct lexemes it holds, less a small cost for its length, so the winning
/// window is the shortest one holding the question's rarest words together.
/// </summary>
public static class MomentFinder
{
    /// <summary>The best window of <paramref name="segments"/> (in time order) for a question whose lexemes weigh <paramref name="weights"/>.</summary>
    public static Moment Best(
        IReadOnlyList<SegmentTerms> segments, TermWeights weights, MomentOptions options, Func<SegmentTerms, bool>? fits = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(segments.Count);
        return BestIn(segments, 0, segments.Count, weights, options, fits).Moment;
    }

    /// <summary>
    /// Up to <paramref name="count"/> moments that do not overlap, best first: the best moment, then
    /// the best of what is left on either side of it, and so on. Moments holding none of the
    /// question's words are left out, unless there is no other. <paramref name="fits"/> says which
    /// segments have the shape of the answer (see <see cref="MomentOptions.ShapeWeight"/>).
    /// </summary>
    public static IReadOnlyList<Moment> Top(
        IReadOnlyList<SegmentTerms> segments, TermWeights weights, MomentOptions options, int count,
        Func<SegmentTerms, bool>? fits = null)
    {
        var found = new List<Moment>();
        var ranges = new List<(int From, int To)> { (0, segments.Count) };
        while (found.Count < count && ranges.Count > 0)
        {
            var (best, range) = ranges.Select(r => (Found: BestIn(segments, r.From, r.To, weights, options, fits), Range: r))
                .MaxBy(x => x.Found.Moment.Score);
            if (best.Moment.Evidence <= 0 && found.Count > 0)
            {
                break;
            }
            found.Add(best.Moment);
            ranges.Remove(range);
            ranges.AddRange(new[] { (range.From, best.First), (best.Last + 1, range.To) }.Where(r => r.Item2 > r.Item1));
        }
        return found;
    }

    /// <summary>The best window among the segments from <paramref name="from"/> up to (not including) <paramref name="to"/>, and where it lies.</summary>
    private static (Moment Moment, int First, int Last) BestIn(
        IReadOnlyList<SegmentTerms> segments, int from, int to, TermWeights weights, MomentOptions options,
        Func<SegmentTerms, bool>? fits)
    {
        var total = weights.Total;
        var (bestFirst, bestLast, bestScore, bestKey, bestFits, bestMeaning) = (from, from, 0.0, double.NegativeInfinity, false, 0.0);
        // Per word of the question, the largest weight held so far (its own, or a related word's).
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var first = from; first < to; first++)
        {
            found.Clear();
            var score = 0.0;
            var fitting = false;
            var meaning = 0.0;
            for (var last = first; last < to; last++)
            {
                var duration = segments[last].End - segments[first].Start;
                if (last > first && duration > options.MaxSeconds)
                {
                    break;
                }
                foreach (var term in segments[last].Terms)
                {
                    if (weights.TryGet(term, out var stands, out var weight) && weight > found.GetValueOrDefault(stands))
                    {
                        score += weight - found.GetValueOrDefault(stands);
                        found[stands] = weight;
                    }
                }
                fitting |= fits?.Invoke(segments[last]) == true;
                meaning = Math.Max(meaning, options.VectorWeight * (segments[last].Similarity ?? 0));
                var key = score + (fitting ? options.ShapeWeight * total : 0) + meaning * total
                    - options.LengthPenalty * total * duration / options.MaxSeconds;
                if ((score > 0 || meaning > 0) && key > bestKey)
                {
                    (bestFirst, bestLast, bestScore, bestKey, bestFits, bestMeaning) = (first, last, score, key, fitting, meaning);
                }
            }
        }
        (bestFirst, bestLast) = Widen(segments, from, to, bestFirst, bestLast, options);
        var moment = new Moment(
            segments[bestFirst].Start, segments[bestLast].End, Join(segments, bestFirst, bestLast), total > 0 ? bestScore / total : 0,
            bestFits ? options.ShapeWeight : 0, bestMeaning);
        return (moment, bestFirst, bestLast);
    }

    /// <summary>The passage cut into consecutive moments of at most <see cref="MomentOptions.MaxSeconds"/>, for a model to cite.</summary>
    public static IReadOnlyList<Moment> Partition(IReadOnlyList<SegmentTerms> segments, TermWeights weights, MomentOptions options)
    {
        var total = weights.Total;
        var moments = new List<Moment>();
        var first = 0;
        while (first < segments.Count)
        {
            var last = first;
            while (last + 1 < segments.Count && segments[last + 1].End - segments[first].Start <= options.MaxSeconds)
            {
                last++;
            }
            var score = weights.Held(segments.Skip(first).Take(last - first + 1).SelectMany(s => s.Terms));
            moments.Add(new Moment(segments[first].Start, segments[last].End, Join(segments, first, last), total > 0 ? score / total : 0));
            first = last + 1;
        }
        return moments;
    }

    /// <summary>Takes in the next segments, then the previous ones (within the range), while the moment is shorter than the minimum.</summary>
    private static (int First, int Last) Widen(IReadOnlyList<SegmentTerms> segments, int from, int to, int first, int last, MomentOptions options)
    {
        double Length(int f, int l) => segments[l].End - segments[f].Start;
        while (Length(first, last) < options.MinSeconds)
        {
            if (last + 1 < to && Length(first, last + 1) <= options.MaxSeconds)
            {
                last++;
            }
            else if (first > from && Length(first - 1, last) <= options.MaxSeconds)
            {
                first--;
            }
            else
            {
                break;
            }
        }
        return (first, last);
    }

    private static string Join(IReadOnlyList<SegmentTerms> segments, int first, int last)
    {
        var texts = new List<string>(last - first + 1);
        for (var i = first; i <= last; i++)
        {
            texts.Add(segments[i].Text.Trim());
        }
        // CJK text is written without spaces between sentences.
        return texts.Aggregate((a, b) => a.Length > 0 && b.Length > 0 && IsCjkBoundary(a[^1], b[0]) ? a + b : a + " " + b);
    }

    private static bool IsCjkBoundary(char before, char after) =>
        (System.Text.Rune.TryCreate(before, out var b) && (SearchText.IsCjk(b) || before is '。' or '、' or '！' or '？'))
        && System.Text.Rune.TryCreate(after, out var a) && SearchText.IsCjk(a);
}
