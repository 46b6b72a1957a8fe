using AskVideo.Worker.Pipeline;
using AskVideo.Worker.Transcription;

namespace AskVideo.Tests.Worker;

public sealed class TranscriptStitcherTests
{
    private static TimedSegment Segment(double start, double end, string text) => new(start, end, text);

    [Fact]
    public void Overlapping_pieces_keep_each_segment_once_in_order_at_absolute_times()
    {
        // Two pieces of 0-65 s and 60-100 s; both heard "four" and "five" in the overlap.
        var first = new PieceTranscript(0, 65,
        [
            Segment(0, 20, "one"), Segment(20, 40, "two"), Segment(40, 59, "three"), Segment(59, 62, "four"), Segment(62, 65, "five"),
        ]);
        var second = new PieceTranscript(60, 100,
        [
            Segment(0, 2, "four"), Segment(2, 5, "five"), Segment(5, 20, "six"), Segment(20, 40, "seven"),
        ]);

        var stitched = TranscriptStitcher.Stitch([second, first]);

        Assert.Equal(["one", "two", "three", "four", "five", "six", "seven"], stitched.Select(s => s.Text));
        Assert.Equal([0.0, 20, 40, 59, 62, 65, 80], stitched.Select(s => s.Start));
        Assert.Equal(100.0, stitched[^1].End);
    }

    [Fact]
    public void Words_both_pieces_heard_at_a_seam_are_kept_once_whatever_their_case_and_punctuation()
    {
        // The seam is at 602.5 s. The first piece's last kept segment ends with words the second
        // piece's first kept segment starts with, spelled a little differently.
        var first = new PieceTranscript(0, 605,
        [
            Segment(590, 596, "and so the river"), Segment(596, 602, "flows into the sea near"), Segment(603, 605, "the old"),
        ]);
        var second = new PieceTranscript(600, 1200,
        [
            Segment(0, 2, "sea"), Segment(1.5, 6, "Into the sea, near the old harbour."), Segment(6, 10, "Boats wait there."),
        ]);

        var stitched = TranscriptStitcher.Stitch([first, second]);

        var words = string.Join(' ', stitched.Select(s => s.Text));
        Assert.Equal("and so the river flows into the sea near the old harbour. Boats wait there.", words);
        Assert.True(stitched.Zip(stitched.Skip(1)).All(p => p.First.Start <= p.Second.Start), "Segments are in time order.");
    }

    [Fact]
    public void A_seam_without_repeated_words_keeps_every_word()
    {
        var first = new PieceTranscript(0, 605, [Segment(595, 600, "the end of one")]);
        var second = new PieceTranscript(600, 700, [Segment(5, 10, "the start of two")]);

        var stitched = TranscriptStitcher.Stitch([first, second]);

        Assert.Equal(["the end of one", "the start of two"], stitched.Select(s => s.Text));
        Assert.Equal(605, stitched[1].Start);
    }

    [Fact]
    public void The_longest_repeated_run_at_a_seam_is_removed_not_a_shorter_one()
    {
        // "la la" repeats, and so does "la la la la": all four were heard twice.
        var first = new PieceTranscript(0, 65, [Segment(50, 60, "she sang la la la la")]);
        var second = new PieceTranscript(60, 120, [Segment(2, 8, "la la la la and stopped")]);

        var stitched = TranscriptStitcher.Stitch([first, second]);

        Assert.Equal(["she sang la la la la", "and stopped"], stitched.Select(s => s.Text));
    }

    [Fact]
    public void The_plan_covers_the_audio_with_whole_second_pieces_that_overlap_the_next()
    {
        var pieces = AudioExtractor.Plan(2400, 600, 5);

        Assert.Equal([0, 600, 1200, 1800], pieces.Select(p => p.StartSeconds));
        Assert.Equal([605, 605, 605, (int?)null], pieces.Select(p => p.LengthSeconds));
        Assert.Single(AudioExtractor.Plan(605, 600, 5));
        Assert.Equal([0, 600], AudioExtractor.Plan(606, 600, 5).Select(p => p.StartSeconds));
    }
}
