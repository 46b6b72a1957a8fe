namespace AskVideo.Worker.Transcription;

/// <summary>
/// Joins the transcripts of overlapping pieces into one. Each piece's segments are moved to
/// absolute time; at each seam (the middle of the overlap) the earlier piece keeps the segments
/// whose midpoint lies before it and the later piece the rest; then words both pieces heard at the
/// seam (the longest run that ends the kept tail and starts the next head) are kept only once.
/// </summary>
public static class TranscriptStitcher
{
    /// <summary>Longest run of repeated words looked for at a seam.</summary>
    public const int MaxRepeatedWords = 20;

    public static IReadOnlyList<TimedSegment> Stitch(IReadOnlyList<PieceTranscript> pieces)
    {
        var ordered = pieces.OrderBy(p => p.Start).ToList();
        var result = new List<TimedSegment>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var piece = ordered[i];
            var from = i == 0 ? double.NegativeInfinity : Seam(ordered[i - 1], piece);
            var to = i == ordered.Count - 1 ? double.PositiveInfinity : Seam(piece, ordered[i + 1]);
            var kept = piece.Segments
                .Where(s => !string.IsNullOrWhiteSpace(s.Text))
                .Select(s => s.Shift(piece.Start) with { Text = s.Text.Trim() })
                .Where(s => s.Midpoint >= from && s.Midpoint < to)
                .OrderBy(s => s.Start)
                .ToList();
            result.AddRange(i == 0 ? kept : DropRepeatedHead(result, kept));
        }
        return result;
    }

    /// <summary>The middle of the stretch both pieces cover.</summary>
    private static double Seam(PieceTranscript earlier, PieceTranscript later) => (later.Start + earlier.End) / 2;

    /// <summary>Removes from the start of <paramref name="head"/> the words that end <paramref name="tail"/>.</summary>
    private static List<TimedSegment> DropRepeatedHead(List<TimedSegment> tail, List<TimedSegment> head)
    {
        var tailWords = LastWords(tail, MaxRepeatedWords);
        var headWords = FirstWords(head, MaxRepeatedWords);
        var repeated = 0;
        for (var length = Math.Min(tailWords.Count, headWords.Count); length > 0; length--)
        {
            if (tailWords.Skip(tailWords.Count - length).SequenceEqual(headWords.Take(length)))
            {
                repeated = length;
                break;
            }
        }
        if (repeated == 0)
        {
            return head;
        }

        var result = new List<TimedSegment>();
        foreach (var segment in head)
        {
            if (repeated == 0)
            {
                result.Add(segment);
                continue;
            }
            var tokens = Tokens(segment.Text);
            // Drop tokens up to and including the last repeated word (punctuation-only tokens ride along).
            var drop = 0;
            while (drop < tokens.Length && repeated > 0)
            {
                if (Normalize(tokens[drop]).Length > 0)
                {
                    repeated--;
                }
                drop++;
            }
            var rest = string.Join(' ', tokens.Skip(drop));
            if (Normalize(rest).Length > 0)
            {
                result.Add(segment with { Text = rest });
            }
        }
        return result;
    }

    private static List<string> LastWords(List<TimedSegment> segments, int count)
    {
        var words = new List<string>();
        for (var i = segments.Count - 1; i >= 0 && words.Count < count; i--)
        {
            words.InsertRange(0, Words(segments[i].Text));
        }
        return words.Count <= count ? words : words.GetRange(words.Count - count, count);
    }

    private static List<string> FirstWords(List<TimedSegment> segments, int count)
    {
        var words = new List<string>();
        foreach (var segment in segments)
        {
            if (words.Count >= count)
            {
                break;
            }
            words.AddRange(Words(segment.Text));
        }
        return words.Count <= count ? words : words.GetRange(0, count);
    }

    /// <summary>Words compared case- and punctuation-insensitively; punctuation-only tokens are not words.</summary>
    private static IEnumerable<string> Words(string text) => Tokens(text).Select(Normalize).Where(w => w.Length > 0);

    private static string[] Tokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static string Normalize(string token) =>
        string.Concat(token.Where(char.IsLetterOrDigit)).ToLowerInvariant();
}
