using AskVideo.Api.Chat;

namespace AskVideo.Tests.Chat;

public sealed class CitationMarkersTests
{
    [Fact]
    public void Markers_naming_no_passage_are_removed_with_the_space_before_them()
    {
        var markers = new CitationMarkers(passageCount: 3);

        var text = markers.Clean("Lava flowed [2]. Cheese moon [9]. Both [1, 4] and [3][0] here.");

        Assert.Equal("Lava flowed [2]. Cheese moon. Both [1] and [3] here.", text);
        Assert.Equal([1, 2, 3], markers.Cited);
    }

    [Fact]
    public void A_marker_split_across_streamed_pieces_is_judged_whole()
    {
        var markers = new CitationMarkers(passageCount: 3);
        string[] pieces = ["The lava flowed ", "[", "1", "2]. It reached the ", "village [", "2", "] at dawn."];

        var streamed = string.Concat(pieces.Select(markers.Push)) + markers.Flush();

        Assert.Equal("The lava flowed. It reached the village [2] at dawn.", streamed);
        Assert.Equal([2], markers.Cited);
    }

    [Fact]
    public void Brackets_that_are_not_markers_pass_through_unchanged()
    {
        var markers = new CitationMarkers(passageCount: 2);

        var text = markers.Clean("Arrays look like [a, b] and an open [bracket stays.");

        Assert.Equal("Arrays look like [a, b] and an open [bracket stays.", text);
        Assert.Empty(markers.Cited);
    }
}
