using System.Globalization;
using AskVideo.Worker.Infrastructure;

namespace AskVideo.Worker.Pipeline;

/// <summary>The audio container a transcription engine is sent.</summary>
public enum AudioFormat
{
    /// <summary>Lossless and compact: what OpenAI-compatible services receive.</summary>
    Flac,
    /// <summary>16-bit PCM: what pocketsphinx reads.</summary>
    Wav,
}

/// <summary>A stretch of the audio, cut at whole seconds.</summary>
public sealed record AudioPiece(int Index, int StartSeconds, int? LengthSeconds);

/// <summary>ffmpeg work: the audio track as mono 16 kHz, and sample-exact pieces of it.</summary>
public static class AudioExtractor
{
    public const int SampleRate = 16000;

    public static string Extension(AudioFormat format) => format == AudioFormat.Flac ? ".flac" : ".wav";

    /// <summary>Decodes the first audio stream of <paramref name="source"/> into mono 16 kHz.</summary>
    public static Task ExtractAsync(string source, string destination, AudioFormat format, CancellationToken cancellationToken) =>
        ExternalProcess.RunAsync("ffmpeg",
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-i", source,
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture),
            .. Codec(format),
            destination,
        ], cancellationToken);

    /// <summary>
    /// Copies one piece out of the extracted audio. The input is already 16 kHz PCM or FLAC, which
    /// ffmpeg seeks sample-exactly, so the piece starts exactly at its second.
    /// </summary>
    public static Task CutAsync(string audio, AudioPiece piece, string destination, AudioFormat format, CancellationToken cancellationToken)
    {
        List<string> arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-ss", piece.StartSeconds.ToString(CultureInfo.InvariantCulture)];
        if (piece.LengthSeconds is { } length)
        {
            arguments.AddRange(["-t", length.ToString(CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(["-i", audio, .. Codec(format), destination]);
        return ExternalProcess.RunAsync("ffmpeg", arguments, cancellationToken);
    }

    /// <summary>
    /// Pieces of <paramref name="pieceSeconds"/>, each running <paramref name="overlapSeconds"/> into
    /// the next; the last runs to the end. Audio that fits in one piece (with its overlap) is not cut.
    /// </summary>
    public static IReadOnlyList<AudioPiece> Plan(double durationSeconds, int pieceSeconds, int overlapSeconds)
    {
        if (durationSeconds <= pieceSeconds + overlapSeconds)
        {
            return [new AudioPiece(0, 0, null)];
        }
        var count = (int)Math.Ceiling((durationSeconds - overlapSeconds) / pieceSeconds);
        return Enumerable.Range(0, count)
            .Select(i => new AudioPiece(i, i * pieceSeconds, i < count - 1 ? pieceSeconds + overlapSeconds : null))
            .ToList();
    }

    private static string[] Codec(AudioFormat format) =>
        format == AudioFormat.Flac ? ["-c:a", "flac"] : ["-c:a", "pcm_s16le"];
}
