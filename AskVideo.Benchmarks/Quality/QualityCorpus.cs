using System.Text.Json;

namespace AskVideo.Benchmarks.Quality;

internal sealed record TimedSegment(double Start, double End, string Text);

/// <summary>One lecture transcript of bench/quality/lectures, timed at a speaking rate.</summary>
internal sealed record Lecture(string Key, string Title, string Language, string Source, IReadOnlyList<TimedSegment> Segments);

/// <summary>A long recording: several lectures spoken one after the other, uploaded as one file.</summary>
internal sealed record RecordingSpec(string Key, string Title, string Language, IReadOnlyList<string> Lectures);

/// <summary>A span of a lecture, in seconds.</summary>
internal sealed record AnswerSpan(string Lecture, double Start, double End);

/// <summary>
/// A question that a lecture answers at <see cref="Start"/>–<see cref="End"/>; <see cref="Also"/>
/// names other places that answer it as well (a fact said twice), which count as hits too.
/// </summary>
internal sealed record CoveredQuestion(string Id, string Lecture, string Question, double Start, double End, IReadOnlyList<AnswerSpan>? Also);

internal sealed record UncoveredQuestion(string Id, string Language, string Question);

internal sealed record QuestionFile(IReadOnlyList<CoveredQuestion> Covered, IReadOnlyList<UncoveredQuestion> Uncovered);

internal enum CorpusPart
{
    Short,
    Long,
}

/// <summary>
/// A video as the benchmark uploads it: a short lecture, or a long recording stitched from
/// lectures. <see cref="Offsets"/> says where each lecture starts in it (0 for a short lecture).
/// </summary>
internal sealed record CorpusVideo(
    string Key, string Title, string Language, CorpusPart Part, IReadOnlyList<TimedSegment> Segments,
    IReadOnlyDictionary<string, double> Offsets)
{
    public double Duration => Segments[^1].End;
}

/// <summary>A group of videos that questions are asked in.</summary>
internal sealed record CorpusGroup(string Name, CorpusPart Part, IReadOnlyList<CorpusVideo> Videos);

/// <summary>Where an answer is, in seconds of a corpus video.</summary>
internal sealed record ExpectedSpan(string VideoKey, double Start, double End);

/// <summary>
/// One question asked in one group. A covered question names the spans of the group's videos that
/// answer it (its own first); an uncovered one names none.
/// </summary>
internal sealed record Ask(string QuestionId, string Question, string Language, CorpusGroup Group, IReadOnlyList<ExpectedSpan> Expected)
{
    public bool Covered => Expected.Count > 0;

    /// <summary>The video of the question's own span; null for an uncovered question.</summary>
    public string? VideoKey => Covered ? Expected[0].VideoKey : null;
}

/// <summary>
/// The quality corpus of bench/quality: lectures, the long recordings made of them, and questions.
/// Short lectures are grouped 8 per group in file order; the long recordings have their own group.
/// Every covered question is asked in the short lectures' group holding its lecture and in the long
/// recordings' group (its span moved by the lecture's offset in the recording); every uncovered
/// question in each group that holds a video of its language.
/// </summary>
internal sealed class QualityCorpus
{
    public const int GroupSize = 8;

    /// <summary>Silence between two lectures in a long recording, in seconds.</summary>
    private const double LectureGap = 4;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public required IReadOnlyList<CorpusVideo> Videos { get; init; }
    public required IReadOnlyList<CorpusGroup> Groups { get; init; }
    public required IReadOnlyList<Ask> Asks { get; init; }
    public required int CoveredQuestions { get; init; }
    public required int UncoveredQuestions { get; init; }

    public static QualityCorpus Load(string directory)
    {
        var lectures = Directory.EnumerateFiles(Path.Combine(directory, "lectures"), "*.json").Order(StringComparer.Ordinal)
            .Select(path => Read<Lecture>(path)).ToList();
        var byKey = lectures.ToDictionary(l => l.Key);
        var recordings = Read<List<RecordingSpec>>(Path.Combine(directory, "recordings.json"));
        var questions = Read<QuestionFile>(Path.Combine(directory, "questions.json"));

        var shortVideos = lectures.Select(l => new CorpusVideo(l.Key, l.Title, l.Language, CorpusPart.Short, l.Segments,
            new Dictionary<string, double> { [l.Key] = 0 })).ToList();
        var longVideos = recordings.Select(r => Stitch(r, byKey)).ToList();

        var groups = shortVideos.Chunk(GroupSize)
            .Select((chunk, i) => new CorpusGroup($"Lectures {i + 1}", CorpusPart.Short, chunk))
            .Concat(longVideos.Chunk(GroupSize).Select((chunk, i) => new CorpusGroup($"Course recordings {i + 1}", CorpusPart.Long, chunk)))
            .ToList();

        var asks = new List<Ask>();
        foreach (var question in questions.Covered)
        {
            var lecture = byKey.GetValueOrDefault(question.Lecture)
                ?? throw new InvalidDataException($"Question {question.Id} names an unknown lecture {question.Lecture}.");
            foreach (var span in (question.Also ?? []).Prepend(new AnswerSpan(question.Lecture, question.Start, question.End)))
            {
                if (!byKey.TryGetValue(span.Lecture, out var holder) || span.Start < 0 || span.End <= span.Start || span.End > holder.Segments[^1].End)
                {
                    throw new InvalidDataException($"Question {question.Id}: the span {span.Start}–{span.End} s is not inside a lecture {span.Lecture}.");
                }
            }
            var spans = new[] { new AnswerSpan(question.Lecture, question.Start, question.End) }.Concat(question.Also ?? []).ToList();
            foreach (var group in groups.Where(g => g.Videos.Any(v => v.Offsets.ContainsKey(lecture.Key))))
            {
                // Each span as it lies in this group's videos: a lecture's span moved by its offset in a recording.
                var expected = spans.SelectMany(span => group.Videos.Where(v => v.Offsets.ContainsKey(span.Lecture)).Select(v =>
                    new ExpectedSpan(v.Key, Math.Round(span.Start + v.Offsets[span.Lecture], 2), Math.Round(span.End + v.Offsets[span.Lecture], 2))))
                    .ToList();
                asks.Add(new Ask(question.Id, question.Question, lecture.Language, group, expected));
            }
        }
        foreach (var question in questions.Uncovered)
        {
            asks.AddRange(groups.Where(g => g.Videos.Any(v => v.Language == question.Language))
                .Select(g => new Ask(question.Id, question.Question, question.Language, g, [])));
        }
        return new QualityCorpus
        {
            Videos = [.. shortVideos, .. longVideos],
            Groups = groups,
            Asks = asks,
            CoveredQuestions = questions.Covered.Count,
            UncoveredQuestions = questions.Uncovered.Count,
        };
    }

    /// <summary>The lectures of <paramref name="spec"/> one after the other, as one transcript.</summary>
    private static CorpusVideo Stitch(RecordingSpec spec, IReadOnlyDictionary<string, Lecture> lectures)
    {
        var segments = new List<TimedSegment>();
        var offsets = new Dictionary<string, double>();
        var offset = 0.0;
        foreach (var key in spec.Lectures)
        {
            var lecture = lectures.GetValueOrDefault(key) ?? throw new InvalidDataException($"Recording {spec.Key} names an unknown lecture {key}.");
            offsets[key] = offset;
            segments.AddRange(lecture.Segments.Select(s => s with { Start = Math.Round(s.Start + offset, 2), End = Math.Round(s.End + offset, 2) }));
            offset = segments[^1].End + LectureGap;
        }
        return new CorpusVideo(spec.Key, spec.Title, spec.Language, CorpusPart.Long, segments, offsets);
    }

    private static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), s_json) ?? throw new InvalidDataException($"{path} is empty.");
}
