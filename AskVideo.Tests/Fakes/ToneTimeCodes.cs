using System.Diagnostics;

namespace AskVideo.Tests.Fakes;

/// <summary>
/// Reads audio made by <c>TestMedia.TimeCodedToneAsync</c>, whose absolute second <c>t</c> is a
/// <c>100 + t</c> Hz tone, and "transcribes" each full second of the received piece as the word
/// <c>w{t}</c>, five words per segment, with times relative to the piece. Only a piece cut
/// sample-exactly at a whole second reads back as the right words.
/// </summary>
public static class ToneTimeCodes
{
    public const int WordsPerSegment = 5;

    public static async Task<FakeTranscription> TranscribeAsync(TranscriptionRequest request, string path, CancellationToken cancellationToken)
    {
        var samples = await Pcm.DecodeAsync(path, cancellationToken);
        var seconds = samples.Length / Pcm.SampleRate;
        var words = Enumerable.Range(0, seconds).Select(second => $"w{SecondAt(samples, second)}").ToList();
        var segments = words.Chunk(WordsPerSegment)
            .Select((chunk, i) => new FakeSegment(i * WordsPerSegment, i * WordsPerSegment + chunk.Length, string.Join(' ', chunk)))
            .ToList();
        return new FakeTranscription("english", samples.Length / (double)Pcm.SampleRate, segments);
    }

    /// <summary>The tone's frequency over one second is half its zero crossings.</summary>
    private static int SecondAt(short[] samples, int second)
    {
        var start = second * Pcm.SampleRate;
        var crossings = 0;
        for (var i = start + 1; i < start + Pcm.SampleRate; i++)
        {
            if (samples[i - 1] < 0 != samples[i] < 0)
            {
                crossings++;
            }
        }
        return (int)Math.Round(crossings / 2.0, MidpointRounding.AwayFromZero) - 100;
    }
}

/// <summary>Decodes any audio file to 16 kHz mono 16-bit samples with ffmpeg.</summary>
public static class Pcm
{
    public const int SampleRate = 16000;

    public static async Task<short[]> DecodeAsync(string path, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "16000", "-" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("ffmpeg did not start.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var pcm = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(pcm, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not decode {path}: {await errors}");
        }
        var bytes = pcm.GetBuffer().AsSpan(0, (int)pcm.Length);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes).ToArray();
    }
}
