using System.Text.Encodings.Web;
using System.Text.Json;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// A citation as <c>POST /api/chat/</c> returns it. The passage around the moment is its own span
/// when the response names none (a citation that is a whole passage).
/// </summary>
internal sealed record Citation(
    int N, int VideoId, string Title, double Start, double End, string Quote, string? MediaUrl, double? PassageStart, double? PassageEnd)
{
    public double Length => End - Start;
}

/// <summary>What one ask returned, and where (if anywhere) its first hit was.</summary>
/// <param name="VideoIds">The database id of each corpus video, by key.</param>
internal sealed record AskResult(Ask Ask, IReadOnlyDictionary<string, int> VideoIds, string Content, string Mode, IReadOnlyList<Citation> Citations)
{
    /// <summary>Longest citation that can count as a moment.</summary>
    public const double MaxMomentSeconds = 30;

    /// <summary>How far outside the answer span a citation may lie and still overlap it.</summary>
    public const double Slack = 2;

    /// <summary>1-based position of the first citation that is a hit; null when none is.</summary>
    public int? Rank
    {
        get
        {
            for (var i = 0; i < Citations.Count; i++)
            {
                if (IsHit(Citations[i]))
                {
                    return i + 1;
                }
            }
            return null;
        }
    }

    /// <summary>1-based position of the first citation whose passage holds the answer (retrieval alone); null when none does.</summary>
    public int? PassageRank
    {
        get
        {
            for (var i = 0; i < Citations.Count; i++)
            {
                var c = Citations[i];
                if (Overlaps(c.VideoId, c.PassageStart ?? c.Start, c.PassageEnd ?? c.End))
                {
                    return i + 1;
                }
            }
            return null;
        }
    }

    /// <summary>The right video, at most 30 s long, overlapping the answer span ±2 s.</summary>
    public bool IsHit(Citation citation) => citation.Length <= MaxMomentSeconds && Overlaps(citation.VideoId, citation.Start, citation.End);

    /// <summary>The first citation names a video that holds the answer.</summary>
    public bool RightVideoFirst => Citations.Count > 0 && Ask.Expected.Any(span => VideoIds[span.VideoKey] == Citations[0].VideoId);

    private bool Overlaps(int videoId, double start, double end) => Ask.Expected.Any(span =>
        VideoIds[span.VideoKey] == videoId && start <= span.End + Slack && end >= span.Start - Slack);
}

/// <summary>The figures per language and corpus part, with the targets beside them; and the per-question dump.</summary>
internal static class QualityReport
{
    private static readonly JsonSerializerOptions s_dump = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>How the figures are counted, printed once above the tables.</summary>
    public static void PrintLegend()
    {
        Console.WriteLine("quality: hit: a citation of the right video, ≤ 30 s long, overlapping the answer span ±2 s (MRR over the returned citations)");
        Console.WriteLine("         psg@k: a citation within the first k whose passage (passage_start..passage_end, else the citation) holds the answer");
        Console.WriteLine("         video@1: the first citation names the right video, whatever its length; answered: at least one citation");
        Console.WriteLine("         cite: length of every citation of covered questions (first: of the first citation); answer: characters of the answer");
        Console.WriteLine("         abstain: share of uncovered asks answered with no citation");
    }

    public static void Print(string title, IReadOnlyList<AskResult> results)
    {
        Console.WriteLine(title);
        Console.WriteLine("  slice        covered  hit@1  hit@5   MRR   psg@1  psg@5  video@1 answered | cite p50  p90   first p50 | answer p50 | uncovered abstain");
        var slices = new (string Name, Func<AskResult, bool> Filter)[]
        {
            ("en short", r => r.Ask.Language == "en" && r.Ask.Group.Part == CorpusPart.Short),
            ("en long", r => r.Ask.Language == "en" && r.Ask.Group.Part == CorpusPart.Long),
            ("ja short", r => r.Ask.Language == "ja" && r.Ask.Group.Part == CorpusPart.Short),
            ("ja long", r => r.Ask.Language == "ja" && r.Ask.Group.Part == CorpusPart.Long),
            ("en", r => r.Ask.Language == "en"),
            ("ja", r => r.Ask.Language == "ja"),
            ("short", r => r.Ask.Group.Part == CorpusPart.Short),
            ("long", r => r.Ask.Group.Part == CorpusPart.Long),
            ("all", _ => true),
        };
        foreach (var (name, filter) in slices)
        {
            PrintSlice(name, [.. results.Where(filter)]);
        }
        Console.WriteLine("  targets              ≥0.65  ≥0.85                                 ≥0.95   |  ≤20 s                     |  ≤600 chars |           ≥0.90");
    }

    private static void PrintSlice(string name, List<AskResult> slice)
    {
        var covered = slice.Where(r => r.Ask.Covered).ToList();
        var uncovered = slice.Where(r => !r.Ask.Covered).ToList();
        if (covered.Count == 0)
        {
            return;
        }
        var lengths = covered.SelectMany(r => r.Citations).Select(c => c.Length).ToList();
        var firsts = covered.Where(r => r.Citations.Count > 0).Select(r => r.Citations[0].Length).ToList();
        var answers = covered.Select(r => (double)r.Content.Length).ToList();
        Console.WriteLine(
            $"  {name,-10} {covered.Count,7}  {Share(covered, r => r.Rank == 1):0.000}  {Share(covered, r => r.Rank <= 5):0.000}  " +
            $"{covered.Average(r => r.Rank is { } n ? 1.0 / n : 0):0.000}  {Share(covered, r => r.PassageRank == 1):0.000}  " +
            $"{Share(covered, r => r.PassageRank <= 5):0.000}  {Share(covered, r => r.RightVideoFirst):0.000}   " +
            $"{Share(covered, r => r.Citations.Count > 0):0.000}   | " +
            $"{Median(lengths),6:0.0} {Percentile(lengths, 90),6:0.0}  {Median(firsts),6:0.0} s  | {Median(answers),7:0} ch | " +
            (uncovered.Count == 0 ? "       -" : $"{uncovered.Count,4} asks {Share(uncovered, r => r.Citations.Count == 0):0.000}"));
    }

    private static double Share(List<AskResult> results, Func<AskResult, bool> predicate) =>
        results.Count == 0 ? double.NaN : results.Count(predicate) / (double)results.Count;

    private static double Median(List<double> values) => Percentile(values, 50);

    private static double Percentile(List<double> values, double p) => values.Count == 0 ? double.NaN : Jobs.Percentile(values, p);

    /// <summary>Every ask with its expected span, the transcript there, and the top citations, for studying failures.</summary>
    public static async Task DumpAsync(string path, IReadOnlyList<AskResult> results, QualityCorpus corpus)
    {
        var videos = corpus.Videos.ToDictionary(v => v.Key);
        var rows = results.Select(r => new
        {
            id = r.Ask.QuestionId,
            question = r.Ask.Question,
            language = r.Ask.Language,
            group = r.Ask.Group.Name,
            expected = r.Ask.Expected.Select(span => new
            {
                video = span.VideoKey,
                video_id = r.VideoIds[span.VideoKey],
                start = span.Start,
                end = span.End,
                text = string.Join(' ', videos[span.VideoKey].Segments
                    .Where(s => s.Start < span.End - 0.05 && s.End > span.Start + 0.05).Select(s => s.Text)),
            }),
            rank = r.Rank,
            passage_rank = r.PassageRank,
            mode = r.Mode,
            answer_chars = r.Content.Length,
            answer = r.Content.Length > 800 ? r.Content[..800] + "…" : r.Content,
            citations = r.Citations.Take(5).Select(c => new
            {
                c.N,
                c.VideoId,
                c.Title,
                c.Start,
                c.End,
                c.PassageStart,
                c.PassageEnd,
                hit = r.IsHit(c),
                quote = c.Quote.Length > 400 ? c.Quote[..400] + "…" : c.Quote,
            }),
        });
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, rows, s_dump);
        Console.WriteLine($"quality: per-question results written to {Path.GetFullPath(path)}");
    }
}
