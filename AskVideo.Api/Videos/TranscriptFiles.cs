using System.Globalization;
using System.Text;

namespace AskVideo.Api.Videos;

/// <summary>A transcript as plain text, SubRip (.srt) or WebVTT (.vtt).</summary>
public static class TranscriptFiles
{
    public static IReadOnlyList<string> Formats { get; } = ["json", "txt", "srt", "vtt"];

    public static string ToText(TranscriptResponse transcript) => transcript.Text.Trim() + "\n";

    /// <summary>Numbered cues: <c>1\n00:00:01,000 --> 00:00:04,250\ntext\n\n</c>.</summary>
    public static string ToSrt(TranscriptResponse transcript)
    {
        var srt = new StringBuilder();
        var number = 0;
        foreach (var (start, end, text) in Cues(transcript, escape: false))
        {
            number++;
            srt.Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Timestamp(start, ',')).Append(" --> ").Append(Timestamp(end, ',')).Append('\n')
                .Append(text).Append("\n\n");
        }
        return srt.ToString();
    }

    /// <summary>A WEBVTT header, then cues: <c>00:00:01.000 --> 00:00:04.250\ntext\n\n</c>.</summary>
    public static string ToVtt(TranscriptResponse transcript)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        foreach (var (start, end, text) in Cues(transcript, escape: true))
        {
            vtt.Append(Timestamp(start, '.')).Append(" --> ").Append(Timestamp(end, '.')).Append('\n')
                .Append(text).Append("\n\n");
        }
        return vtt.ToString();
    }

    private static IEnumerable<(double Start, double End, string Text)> Cues(TranscriptResponse transcript, bool escape)
    {
        foreach (var segment in transcript.Segments)
        {
            // A blank line would end the cue early, so blank lines inside a segment are dropped.
            var lines = segment.Text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0);
            var text = string.Join("\n", escape ? lines.Select(EscapeVtt) : lines);
            if (text.Length > 0)
            {
                yield return (segment.Start, Math.Max(segment.Start, segment.End), text);
            }
        }
    }

    // In WebVTT cue text, & and < start markup, and "-->" would read as a timing line.
    private static string EscapeVtt(string line) => line
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Timestamp(double seconds, char millisecondSeparator)
    {
        var total = (long)Math.Round(Math.Max(0, seconds) * 1000, MidpointRounding.AwayFromZero);
        var (hours, rest) = Math.DivRem(total, 3_600_000);
        var (minutes, rest2) = Math.DivRem(rest, 60_000);
        var (secs, millis) = Math.DivRem(rest2, 1000);
        return string.Create(CultureInfo.InvariantCulture, $"{hours:00}:{minutes:00}:{secs:00}{millisecondSeparator}{millis:000}");
    }

    /// <summary>A download name from the title: letters, digits and a few safe marks; never empty.</summary>
    public static string DownloadName(string title, int videoId, string extension)
    {
        var safe = new string([.. title.Select(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' ? c : '_')]).Trim(' ', '.', '_');
        if (safe.Length > 100)
        {
            safe = safe[..100].TrimEnd();
        }
        return (safe.Length == 0 ? $"video-{videoId.ToString(CultureInfo.InvariantCulture)}" : safe) + "." + extension;
    }
}
