using Microsoft.Extensions.AI;
using OpenAI.Audio;

namespace AskVideo.Worker.Transcription;

/// <summary>
/// Timed segments out of any engine's <see cref="SpeechToTextResponse"/>. The abstraction carries
/// one start and end for the whole text, so segments come from the engine's raw representation:
/// the OpenAI SDK's verbose transcription, or the local engine's own result.
/// </summary>
public static class SpeechSegmentReader
{
    public static (IReadOnlyList<TimedSegment> Segments, string? Language) Read(SpeechToTextResponse response, double pieceSeconds)
    {
        switch (response.RawRepresentation)
        {
            case AudioTranscription { Segments.Count: > 0 } openAi:
                return (openAi.Segments
                    .Select(s => new TimedSegment(s.StartTime.TotalSeconds, s.EndTime.TotalSeconds, s.Text.Trim()))
                    .ToList(), openAi.Language);
            case AudioTranscription { Words.Count: > 0 } openAi:
                return (openAi.Words
                    .Select(w => new TimedSegment(w.StartTime.TotalSeconds, w.EndTime.TotalSeconds, w.Word.Trim()))
                    .ToList(), openAi.Language);
            case LocalTranscription local:
                return (local.Segments, local.Language);
        }

        // Last resort: one segment over the whole response.
        var text = response.Text.Trim();
        var language = (response.RawRepresentation as AudioTranscription)?.Language;
        if (text.Length == 0)
        {
            return ([], language);
        }
        var start = response.StartTime?.TotalSeconds ?? 0;
        var end = response.EndTime?.TotalSeconds ?? pieceSeconds;
        return ([new TimedSegment(start, Math.Max(start, end), text)], language);
    }
}
