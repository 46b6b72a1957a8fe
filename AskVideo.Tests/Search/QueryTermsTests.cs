using AskVideo.Core.Search;

namespace AskVideo.Tests.Search;

/// <summary>How the question's words are weighed: by how few of the group's scenes hold them.</summary>
public sealed class QueryTermsTests
{
    [Fact]
    public void A_word_no_scene_holds_weighs_twice_a_word_one_scene_holds_in_an_english_question()
    {
        var terms = new QueryTerms([new("en", "zsh", 0), new("en", "shell", 1), new("en", "make", 40)], scenes: 100);

        var weights = terms.WeightsFor("en");

        Assert.Equal(2 * weights["shell"], weights["zsh"], 9);
        Assert.True(weights["make"] < weights["shell"], "A word most scenes hold says less.");
    }

    [Fact]
    public void A_latin_word_no_scene_holds_weighs_three_times_a_word_one_scene_holds_in_a_japanese_question()
    {
        // "systemd のサービスファイル": the pairs no scene holds are left out, the tool's name stays.
        var terms = new QueryTerms([new("ja", "systemd", 0), new("ja", "サー", 1), new("ja", "スフ", 0), new("ja", "ファ", 40)], scenes: 100);

        var weights = terms.WeightsFor("ja");

        Assert.Equal(3 * weights["サー"], weights["systemd"], 9);
        Assert.False(weights.ContainsKey("スフ"), "A pair that no scene holds mostly straddles two words.");
    }

    [Fact]
    public void A_related_word_weighs_a_share_of_the_word_it_stands_for_and_counts_once_with_it()
    {
        // "custodian" no scene holds; "keeper" (its synonym) one scene holds; "guardian" none.
        var terms = new QueryTerms(
            [new("en", "custodian", 0), new("en", "retir", 1), new("en", "keeper", 1, "custodian"), new("en", "guardian", 0, "custodian")],
            scenes: 100, relatedShare: 0.5);

        var weights = terms.WeightsFor("en");

        Assert.Equal(0.5 * weights["retir"], weights["keeper"], 9);
        Assert.False(weights.ContainsKey("guardian"), "A related word no scene holds cannot help find anything.");
        Assert.Equal(weights["custodian"] + weights["retir"], weights.Total, 9);
        Assert.Equal(weights["custodian"], weights.Held(["keeper", "custodian"]), 9);
        Assert.Equal(weights["keeper"] + weights["retir"], weights.Held(["keeper", "retir"]), 9);
    }

    [Fact]
    public void A_related_word_that_is_also_one_of_the_questions_own_words_keeps_its_own_weight()
    {
        var terms = new QueryTerms([new("en", "last", 3), new("en", "final", 0), new("en", "last", 3, "final")], scenes: 100);

        var weights = terms.WeightsFor("en");

        Assert.True(weights.TryGet("last", out var stands, out _));
        Assert.Equal("last", stands);
    }

    [Fact]
    public void A_pair_joining_a_word_to_its_particle_weighs_half_of_a_pair_inside_a_word()
    {
        // "署名は": "署名" is the word, "名は" joins it to its particle; both held by one scene.
        var terms = new QueryTerms([new("ja", "署名", 1), new("ja", "名は", 1), new("ja", "の後", 1)], scenes: 100);

        var weights = terms.WeightsFor("ja");

        Assert.Equal(QueryTerms.BoundaryPairShare * weights["署名"], weights["名は"], 9);
        Assert.Equal(weights["名は"], weights["の後"], 9);
    }
}
