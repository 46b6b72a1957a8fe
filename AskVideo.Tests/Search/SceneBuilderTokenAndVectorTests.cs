using AskVideo.Core.Search;

namespace AskVideo.Tests.Search;

/// <summary>Scene splitting on embeddings, and token counting for languages written without spaces.</summary>
public sealed class SceneBuilderTokenAndVectorTests
{
    private const string Japanese = "東京タワーは赤くて高い電波塔です";

    [Fact]
    public void Each_japanese_character_counts_as_a_token_so_japanese_scenes_stay_within_the_limit()
    {
        // 40 segments of 16 characters, none with a space: 640 tokens, over one limit of 100.
        var segments = Enumerable.Range(0, 40).Select(i => new TimedText(i * 5, i * 5 + 4, Japanese)).ToArray();

        var scenes = SceneBuilder.Build(segments, maxTokens: 100);

        Assert.Equal(16, SceneBuilder.CountTokens(Japanese));
        Assert.True(scenes.Count >= 7, $"{scenes.Count} scenes");
        Assert.All(scenes, s => Assert.InRange(SceneBuilder.CountTokens(s.Text), 1, 100));
        Assert.Equal(40 * 16, scenes.Sum(s => SceneBuilder.CountTokens(s.Text)));
    }

    [Fact]
    public void Mixed_text_counts_words_and_cjk_characters_and_keeps_its_spacing()
    {
        Assert.Equal(5, SceneBuilder.CountTokens("AskVideo の 東京 demo"));
        var scene = Assert.Single(SceneBuilder.Build([new TimedText(0, 1, "AskVideo の  東京tower demo")]));
        Assert.Equal("AskVideo の 東京tower demo", scene.Text);
    }

    [Fact]
    public void An_over_long_japanese_segment_is_cut_by_characters_with_interpolated_times_and_no_added_spaces()
    {
        var text = string.Concat(Enumerable.Repeat(Japanese, 10)); // 160 characters
        var scenes = SceneBuilder.Build([new TimedText(0, 160, text)], maxTokens: 64);

        Assert.Equal([64, 64, 32], scenes.Select(s => SceneBuilder.CountTokens(s.Text)));
        Assert.Equal([0.0, 64.0, 128.0], scenes.Select(s => s.Start));
        Assert.Equal([64.0, 128.0, 160.0], scenes.Select(s => s.End));
        Assert.All(scenes, s => Assert.DoesNotContain(' ', s.Text));
        Assert.Equal(text, string.Concat(scenes.Select(s => s.Text)));
    }

    [Fact]
    public void With_vectors_the_split_falls_where_the_vectors_change_even_when_the_words_do_not()
    {
        // Every segment says the same words; only the vectors tell two topics apart, after segment 3.
        var segments = Enumerable.Range(0, 10).Select(i => new TimedText(i * 10, i * 10 + 9, "same words in every segment here")).ToArray();
        var vectors = Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<float>)(i < 3 ? new float[] { 1, 0.1f, 0 } : [0, 0.1f, 1])).ToArray();

        var scenes = SceneBuilder.Build(segments, vectors, maxTokens: 40);
        var byWords = SceneBuilder.Build(segments, maxTokens: 40);

        Assert.Equal(30, scenes[1].Start);
        Assert.Equal(29, scenes[0].End);
        Assert.NotEqual(byWords.Select(s => s.Start), scenes.Select(s => s.Start));
        Assert.All(scenes, s => Assert.InRange(SceneBuilder.CountTokens(s.Text), 1, 40));
    }

    [Fact]
    public void Vectors_are_compared_by_direction_not_length()
    {
        var segments = Enumerable.Range(0, 10).Select(i => new TimedText(i, i + 1, "a b c d e f")).ToArray();
        // Segments 0-5 point one way, 6-9 another; segment 2 is far longer but points the same way.
        var vectors = Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<float>)(i < 6
            ? new float[] { i == 2 ? 500 : 1, 0 }
            : [0, 1])).ToArray();

        var scenes = SceneBuilder.Build(segments, vectors, maxTokens: 36);

        Assert.Equal(6, scenes[1].Start);
    }

    [Fact]
    public void Pieces_of_a_cut_segment_share_its_vector()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"w{i}"));
        TimedText[] segments = [new(0, 10, "x y z"), new(10, 40, longText), new(40, 50, "p q r")];
        ReadOnlyMemory<float>[] vectors = [new float[] { 1, 0 }, new float[] { 0, 1 }, new float[] { 1, 0 }];

        var scenes = SceneBuilder.Build(segments, vectors, maxTokens: 10);

        Assert.All(scenes, s => Assert.InRange(SceneBuilder.CountTokens(s.Text), 1, 10));
        Assert.Equal(string.Join(' ', segments.Select(s => s.Text)), string.Join(' ', scenes.Select(s => s.Text)));
    }

    [Fact]
    public void A_vector_count_that_does_not_match_the_segments_is_refused() =>
        Assert.Throws<ArgumentException>(() => SceneBuilder.Build([new TimedText(0, 1, "a")], []));
}
