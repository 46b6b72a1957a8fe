using AskVideo.Core.Search;

namespace AskVideo.Tests.Chat;

public sealed class ChatRetrievalTests
{
    private static SceneHit Hit(int videoId, int index, double rank) =>
        new(videoId * 100 + index, videoId, index, index * 10, index * 10 + 10, $"v{videoId}s{index}", $"Video {videoId}", rank);

    /// <summary>Each scene's moment is its first two seconds, named after the scene; a run's moment is its best scene's.</summary>
    private static (IReadOnlyList<Moment>, IReadOnlyList<Moment>, double?) Moments(IReadOnlyList<SceneHit> run)
    {
        var moments = run.Select(h => new Moment(h.Start, h.Start + 2, h.Text, h.Rank / 10)).ToList();
        return ([.. moments.OrderByDescending(m => m.Evidence)], moments, null);
    }

    [Fact]
    public void Results_are_spread_across_videos()
    {
        // Video 1 holds the six best scenes; with k = 4 at most two of them may be taken.
        SceneHit[] ranked = [Hit(1, 0, 9), Hit(1, 2, 8), Hit(1, 4, 7), Hit(1, 6, 6), Hit(2, 0, 5), Hit(2, 3, 4), Hit(3, 0, 3)];

        var passages = SceneSearch.Spread(ranked, topK: 4, Moments);

        Assert.Equal([1, 1, 2, 2], passages.Select(p => p.VideoId));
        Assert.Equal(["v1s0", "v1s2", "v2s0", "v2s3"], passages.Select(p => p.Text));
    }

    [Fact]
    public void Adjacent_scenes_of_one_video_are_merged()
    {
        SceneHit[] ranked = [Hit(1, 3, 5), Hit(1, 2, 9), Hit(2, 3, 7), Hit(1, 5, 1)];

        var passages = SceneSearch.Spread(ranked, topK: 8, Moments);

        Assert.Equal(3, passages.Count);
        Assert.Equal((1, 20.0, 40.0, "v1s2 v1s3", 9.0), (passages[0].VideoId, passages[0].Start, passages[0].End, passages[0].Text, passages[0].Rank));
        Assert.Equal(new Moment(20, 22, "v1s2", 0.9), passages[0].Moment);
        Assert.Equal(["v1s2", "v1s3"], passages[0].Moments.Select(m => m.Text));
        Assert.Equal(2, passages[1].VideoId);
        Assert.Equal((1, 50.0, 60.0, "v1s5", 1.0), (passages[2].VideoId, passages[2].Start, passages[2].End, passages[2].Text, passages[2].Rank));
    }
}

public sealed class RankFusionTests
{
    private static SceneHit Hit(long id) => new(id, (int)id, 0, 0, 10, $"s{id}", $"Video {id}", 0);

    [Fact]
    public void A_scene_both_rankings_hold_beats_scenes_that_top_only_one()
    {
        SceneHit[] fullText = [Hit(1), Hit(2), Hit(3)];
        SceneHit[] vector = [Hit(4), Hit(3), Hit(5)];

        var fused = SceneSearch.Fuse(fullText, vector);

        Assert.Equal([3L, 1L, 4L, 2L, 5L], fused.Select(h => h.Id));
        Assert.Equal(1.0 / 63 + 1.0 / 62, fused[0].Rank, precision: 12);
    }

    [Fact]
    public void With_one_ranking_fusion_keeps_its_order_and_scores()
    {
        SceneHit[] fullText = [Hit(2) with { Rank = 0.9 }, Hit(1) with { Rank = 0.4 }];

        var fused = SceneSearch.Fuse(fullText, []);

        Assert.Equal(fullText, fused);
    }
}
