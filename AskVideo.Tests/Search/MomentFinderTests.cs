using AskVideo.Api.Chat;
using AskVideo.Core.Search;

namespace AskVideo.Tests.Search;

public sealed class MomentFinderTests
{
    private static readonly MomentOptions Options = new();

    private static SegmentTerms Segment(double start, double end, params string[] terms) =>
        new(start, end, string.Join(' ', terms), terms);

    [Fact]
    public void The_moment_is_the_shortest_window_holding_the_rarest_words_together()
    {
        SegmentTerms[] segments =
        [
            Segment(0, 10, "lamp", "tower"), Segment(10, 20, "tower"), Segment(20, 25, "fresnel", "lens"),
            Segment(25, 30, "prism", "tower"), Segment(30, 40, "tower"), Segment(40, 50, "lamp"),
        ];
        var weights = new Dictionary<string, double> { ["fresnel"] = 3, ["lens"] = 2, ["prism"] = 2, ["tower"] = 0.1 };

        var moment = MomentFinder.Best(segments, weights, Options);

        Assert.Equal((20.0, 30.0), (moment.Start, moment.End));
        Assert.Equal("fresnel lens prism tower", moment.Text);
        Assert.Equal(1.0, moment.Evidence, 6);
    }

    [Fact]
    public void With_embeddings_the_segment_closest_in_meaning_beats_one_that_only_shares_a_common_word()
    {
        SegmentTerms[] segments =
        [
            new(0, 10, "Fog rolled in over the harbour.", ["fog", "harbour"]) { Similarity = 0.12 },
            new(10, 20, "Sailors feared the fog more than storms.", ["sailor", "fog", "storm"]) { Similarity = 0.31 },
            new(20, 30, "Horns sounded every minute so ships could steer clear of the rocks.", ["horn", "ship", "steer", "rock"]) { Similarity = 0.74 },
            new(30, 40, "Then the season turned.", ["season", "turn"]) { Similarity = 0.05 },
        ];
        var weights = new Dictionary<string, double> { ["fog"] = 1, ["warn"] = 2, ["vessel"] = 2 };
        var wordsOnly = segments.Select(s => s with { Similarity = null }).ToList();

        var byWords = MomentFinder.Best(wordsOnly, weights, Options);
        var byMeaning = MomentFinder.Best(segments, weights, Options);

        Assert.True(byWords.Start < 20, $"words alone: {byWords.Start}-{byWords.End}");
        Assert.Equal(0, byWords.Meaning);
        Assert.True(byMeaning.Start <= 20 && byMeaning.End >= 30, $"by meaning: {byMeaning.Start}-{byMeaning.End}");
        Assert.Equal(Options.VectorWeight * 0.74, byMeaning.Meaning, 6);
        Assert.Equal(byMeaning.Evidence + byMeaning.Meaning, byMeaning.Score, 6);
    }

    [Fact]
    public void A_moment_never_spans_more_than_the_limit_even_when_words_are_spread_further()
    {
        SegmentTerms[] segments = [.. Enumerable.Range(0, 12).Select(i => Segment(i * 10, i * 10 + 10, $"w{i}"))];
        var weights = Enumerable.Range(0, 12).ToDictionary(i => $"w{i}", _ => 1.0);

        var moment = MomentFinder.Best(segments, weights, Options);

        Assert.True(moment.End - moment.Start <= Options.MaxSeconds, $"{moment.Start}-{moment.End}");
        Assert.True(moment.Evidence < 0.5);
    }

    [Fact]
    public void Between_moments_holding_the_same_words_a_how_many_question_takes_the_one_with_a_number()
    {
        const string question = "How many volunteers work on the project?";
        SegmentTerms[] segments =
        [
            new(0, 8, "All of the project's volunteers give their time freely.", ["project", "volunt"]),
            new(8, 16, "Today some weather, and then a break.", ["weather"]),
            new(16, 24, "The project counts about 1012 volunteers at present.", ["project", "volunt"]),
        ];
        var weights = new Dictionary<string, double> { ["project"] = 1, ["volunt"] = 2, ["work"] = 1 };
        var kind = AnswerShape.Of(question);

        var plain = MomentFinder.Best(segments, weights, Options);
        var shaped = MomentFinder.Best(segments, weights, Options, s => AnswerShape.Fits(kind, s.Text, question));

        Assert.Equal(AnswerKind.Quantity, kind);
        Assert.Equal(0.0, plain.Start);
        Assert.Equal((16.0, 24.0), (shaped.Start, shaped.End));
        // The number makes the moment the better choice, not better evidence that the videos cover the question.
        Assert.Equal(plain.Evidence, shaped.Evidence, 6);
        Assert.Equal(shaped.Evidence + Options.ShapeWeight, shaped.Score, 6);
    }

    [Theory]
    [InlineData("How many packages does the archive hold?", AnswerKind.Quantity)]
    [InlineData("What year was the project started?", AnswerKind.Quantity)]
    [InlineData("パッケージはいくつありますか？", AnswerKind.Quantity)]
    [InlineData("Who wrote the first kernel?", AnswerKind.Person)]
    [InlineData("I'm not sure about the licence, who can I ask?", AnswerKind.Person)]
    [InlineData("Can people who aren't subscribed read the list?", AnswerKind.Any)]
    [InlineData("Why is the archive split into sections?", AnswerKind.Any)]
    public void A_question_says_what_shape_its_answer_has(string question, AnswerKind expected)
    {
        Assert.Equal(expected, AnswerShape.Of(question));
    }

    [Theory]
    [InlineData("Who founded the Debian project?", "The Debian Project was created by Ian Murdock in 1993.", true)]
    [InlineData("Who founded the Debian project?", "The Debian Project was created by volunteers.", false)]
    [InlineData("Who maintains the Debian Project?", "The Debian Project is run by its members.", false)]
    public void A_person_answer_names_someone_the_question_does_not(string question, string text, bool fits)
    {
        Assert.Equal(fits, AnswerShape.Fits(AnswerKind.Person, text, question));
    }

    [Fact]
    public void A_single_segment_longer_than_the_limit_stays_whole()
    {
        SegmentTerms[] segments = [Segment(0, 5, "intro"), Segment(5, 75, "long", "answer"), Segment(75, 80, "outro")];

        var moment = MomentFinder.Best(segments, new Dictionary<string, double> { ["answer"] = 1 }, Options);

        Assert.Equal((5.0, 75.0), (moment.Start, moment.End));
    }

    [Fact]
    public void A_very_short_moment_takes_in_the_next_segment_for_context()
    {
        SegmentTerms[] segments = [Segment(0, 2, "yes"), Segment(2, 4, "answer"), Segment(4, 9, "because"), Segment(9, 20, "more")];

        var moment = MomentFinder.Best(segments, new Dictionary<string, double> { ["answer"] = 1 }, Options);

        Assert.Equal((2.0, 9.0), (moment.Start, moment.End));
    }

    [Fact]
    public void A_passage_holding_none_of_the_words_has_no_evidence()
    {
        SegmentTerms[] segments = [Segment(0, 10, "lamp"), Segment(10, 20, "tower")];

        var moment = MomentFinder.Best(segments, new Dictionary<string, double> { ["ticket"] = 2 }, Options);

        Assert.Equal(0, moment.Evidence);
    }

    [Fact]
    public void The_runner_up_moment_does_not_overlap_the_best()
    {
        SegmentTerms[] segments =
        [
            Segment(0, 10, "lens"), Segment(10, 20, "tower"), Segment(20, 30, "fresnel", "lens"), Segment(30, 40, "tower"),
            Segment(40, 50, "tower"), Segment(50, 60, "fresnel"),
        ];
        var weights = new Dictionary<string, double> { ["fresnel"] = 2, ["lens"] = 1 };

        var top = MomentFinder.Top(segments, weights, Options, 2);

        Assert.Equal([(20.0, 30.0), (50.0, 60.0)], top.Select(m => (m.Start, m.End)));
        Assert.True(top[0].Evidence > top[1].Evidence);
    }

    [Fact]
    public void A_passage_is_cut_into_consecutive_moments_within_the_limit_for_a_model_to_cite()
    {
        SegmentTerms[] segments = [.. Enumerable.Range(0, 7).Select(i => Segment(i * 10, i * 10 + 10, $"w{i}"))];

        var moments = MomentFinder.Partition(segments, new Dictionary<string, double> { ["w4"] = 1 }, Options);

        Assert.Equal([(0.0, 30.0), (30.0, 60.0), (60.0, 70.0)], moments.Select(m => (m.Start, m.End)));
        Assert.Equal([0.0, 1.0, 0.0], moments.Select(m => m.Evidence));
    }

    [Fact]
    public void A_moment_saying_a_synonym_counts_the_question_word_once_at_the_larger_weight()
    {
        SegmentTerms[] segments =
        [
            Segment(0, 10, "keeper", "guardian", "lamp"), Segment(10, 20, "weather"), Segment(20, 30, "custodian", "retir"),
        ];
        var weights = new TermWeights(new Dictionary<string, (string, double)>
        {
            ["custodian"] = ("custodian", 2), ["retir"] = ("retir", 2), ["keeper"] = ("custodian", 1), ["guardian"] = ("custodian", 0.5),
        }, total: 4);

        var synonyms = MomentFinder.Best(segments[..1], weights, Options);
        var best = MomentFinder.Best(segments, weights, Options);

        Assert.Equal(0.25, synonyms.Evidence, 6);
        Assert.Equal((20.0, 30.0), (best.Start, best.End));
        Assert.Equal(1.0, best.Evidence, 6);
    }
}

public sealed class ExtractiveAnswerTests
{
    private static ChatCitation Moment(int n, string quote) =>
        new(n, 1, "A lecture with a rather long title that goes on and on", n * 60, n * 60 + 20, quote, null);

    [Fact]
    public void An_extractive_answer_quotes_the_best_moments_within_its_budget_and_lists_the_rest_by_time()
    {
        var longQuote = string.Join(' ', Enumerable.Repeat("lighthouse keepers trimmed wicks every night", 20));
        ChatCitation[] best = [.. Enumerable.Range(1, 6).Select(n => Moment(n, longQuote))];

        var (content, cited) = ExtractiveAnswer.Write(best, 600);

        Assert.True(content.Length <= 600, $"{content.Length} characters");
        Assert.StartsWith(ExtractiveAnswer.Lead, content, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, cited.Count), cited.Select(c => c.N));
        Assert.All(cited, c => Assert.Contains($"[{c.N}]", content, StringComparison.Ordinal));
        Assert.Contains("[1] (A lecture with a rather long title that…, 01:00)", content, StringComparison.Ordinal);
        Assert.Contains("…\" [1]", content, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extractive_answer_points_at_five_moments_when_there_are_that_many_even_with_long_quotes()
    {
        var longQuote = string.Join(' ', Enumerable.Repeat("lighthouse keepers trimmed wicks every night", 20));
        ChatCitation[] best = [.. Enumerable.Range(1, 8).Select(n => Moment(n, longQuote))];

        var (content, cited) = ExtractiveAnswer.Write(best, 600);

        Assert.True(content.Length <= 600, $"{content.Length} characters");
        Assert.Equal([1, 2, 3, 4, 5], cited.Select(c => c.N).Take(ExtractiveAnswer.MinListed));
        Assert.All(cited, c => Assert.Contains($"[{c.N}]", content, StringComparison.Ordinal));
        Assert.Contains("; [5] A lecture", content, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_quote_is_given_whole()
    {
        var (content, cited) = ExtractiveAnswer.Write([Moment(1, "The lens was installed in 1823.")], 600);

        Assert.Equal($"{ExtractiveAnswer.Lead}\n\n\"The lens was installed in 1823.\" [1] (A lecture with a rather long title that…, 01:00)", content);
        Assert.Single(cited);
    }

    [Fact]
    public void Text_without_spaces_is_cut_at_a_character()
    {
        Assert.Equal("新幹線は千九…", ExtractiveAnswer.Shorten("新幹線は千九百六十四年に開業しました。", 7));
    }
}
