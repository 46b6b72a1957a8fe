using AskVideo.Core.Search;

namespace AskVideo.Tests.Search;

public sealed class SceneBuilderTests
{
    private static TimedText[] Segments(params string[] texts) =>
        [.. texts.Select((text, i) => new TimedText(i * 10, i * 10 + 9, text))];

    private static int Words(BuiltScene scene) => SceneBuilder.Words(scene.Text).Length;

    [Fact]
    public void Two_topics_split_where_the_topic_changes()
    {
        var cooking = Enumerable.Range(0, 6).Select(i => $"stir the onions garlic butter pan sauce simmer {i}").ToArray();
        var space = Enumerable.Range(0, 4).Select(i => $"rocket orbit launch planet telescope galaxy star {i}").ToArray();
        var segments = Segments([.. cooking, .. space]);

        // 10 segments of 9 words; a limit of 60 forces one split, which must fall after segment 6.
        var scenes = SceneBuilder.Build(segments, maxTokens: 60);

        Assert.Equal(2, scenes.Count);
        Assert.Equal(0, scenes[0].Start);
        Assert.Equal(59, scenes[0].End);
        Assert.Equal(60, scenes[1].Start);
        Assert.DoesNotContain("rocket", scenes[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("onions", scenes[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenes_respect_the_limit_and_cover_the_segments_in_order()
    {
        var random = new Random(7);
        string[] vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
        var segments = Enumerable.Range(0, 200).Select(i => new TimedText(i * 3.0, i * 3.0 + 2.5,
            string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => vocabulary[random.Next(vocabulary.Length)])))).ToArray();

        var scenes = SceneBuilder.Build(segments, maxTokens: 50);

        Assert.All(scenes, s => Assert.InRange(Words(s), 1, 50));
        Assert.Equal(segments.Sum(s => SceneBuilder.Words(s.Text).Length), scenes.Sum(Words));
        Assert.Equal(string.Join(' ', segments.Select(s => s.Text)), string.Join(' ', scenes.Select(s => s.Text)));
        Assert.Equal(0, scenes[0].Start);
        Assert.Equal(segments[^1].End, scenes[^1].End);
        for (var i = 1; i < scenes.Count; i++)
        {
            Assert.True(scenes[i].Start >= scenes[i - 1].End, $"scene {i} starts before scene {i - 1} ends");
        }
    }

    [Fact]
    public void Short_transcript_is_one_scene()
    {
        var scenes = SceneBuilder.Build(Segments("hello there", "general kenobi"));

        var scene = Assert.Single(scenes);
        Assert.Equal((0.0, 19.0, "hello there general kenobi"), (scene.Start, scene.End, scene.Text));
        // The scene keeps the segments it is made of, which citations point at.
        Assert.Equal([new TimedText(0, 9, "hello there"), new TimedText(10, 19, "general kenobi")], scene.Segments);
    }

    [Fact]
    public void An_over_long_segment_is_cut_with_interpolated_times()
    {
        var text = string.Join(' ', Enumerable.Range(0, 250).Select(i => $"w{i}"));
        var scenes = SceneBuilder.Build([new TimedText(100, 200, text)], maxTokens: 100);

        Assert.Equal(3, scenes.Count);
        Assert.Equal([100.0, 140.0, 180.0], scenes.Select(s => s.Start));
        Assert.Equal([140.0, 180.0, 200.0], scenes.Select(s => s.End));
        Assert.Equal([100, 100, 50], scenes.Select(Words));
        Assert.StartsWith("w100 ", scenes[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_segments_make_no_scenes() =>
        Assert.Empty(SceneBuilder.Build([new TimedText(0, 1, "  ")]));
}
