namespace AskVideo.Worker.Transcription;

/// <summary>A stretch of recognised speech, in seconds.</summary>
public sealed record TimedSegment(double Start, double End, string Text)
{
    public double Midpoint => (Start + End) / 2;

    public TimedSegment Shift(double seconds) => this with { Start = Start + seconds, End = End + seconds };
}

/// <summary>What an engine recognised in one piece, with times relative to the piece's start.</summary>
public sealed record PieceTranscript(double Start, double End, IReadOnlyList<TimedSegment> Segments);
