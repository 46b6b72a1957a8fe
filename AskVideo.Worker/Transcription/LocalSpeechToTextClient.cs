using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AskVideo.Worker.Infrastructure;
using Microsoft.Extensions.AI;

namespace AskVideo.Worker.Transcription;

/// <summary>The local engine's result, carried as the response's raw representation.</summary>
public sealed record LocalTranscription(IReadOnlyList<TimedSegment> Segments, string Language);

/// <summary>
/// Speech to text with Debian's pocketsphinx (US English), so the system works with no key at
/// all. Rough, but real: word timings are grouped into segments at pauses. It reads 16 kHz mono
/// 16-bit WAV, which is what the pipeline gives it.
/// </summary>
public sealed partial class LocalSpeechToTextClient : ISpeechToTextClient
{
    public const string ProviderName = "pocketsphinx";
    public const string ModelName = "en-us";

    /// <summary>A pause this long ends a segment.</summary>
    private const double SegmentPause = 0.6;
    private const int SegmentWords = 12;

    private static readonly SpeechToTextClientMetadata s_metadata = new(ProviderName, null, ModelName);

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        string? temporary = null;
        var path = (audioSpeechStream as FileStream)?.Name;
        try
        {
            if (path is null)
            {
                temporary = Path.Combine(Path.GetTempPath(), $"askvideo-{Guid.NewGuid():N}.wav");
                await using (var file = File.Create(temporary))
                {
                    await audioSpeechStream.CopyToAsync(file, cancellationToken);
                }
                path = temporary;
            }

            string output;
            try
            {
                output = await ExternalProcess.RunAsync("pocketsphinx_continuous",
                    ["-infile", path, "-time", "yes", "-logfn", "/dev/null"], cancellationToken);
            }
            catch (ExternalProcessException ex) when (ex.Message.Contains("could not be started", StringComparison.Ordinal))
            {
                throw JobFailure.Fatal(
                    "No transcription engine is available: configure a transcription service or install pocketsphinx on the worker.", ex);
            }

            var segments = Group(ParseWords(output));
            return new SpeechToTextResponse(string.Join(' ', segments.Select(s => s.Text)))
            {
                RawRepresentation = new LocalTranscription(segments, "en"),
                ModelId = ModelName,
                StartTime = segments.Count > 0 ? TimeSpan.FromSeconds(segments[0].Start) : null,
                EndTime = segments.Count > 0 ? TimeSpan.FromSeconds(segments[^1].End) : null,
            };
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetTextAsync(audioSpeechStream, options, cancellationToken);
        foreach (var update in response.ToSpeechToTextResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(SpeechToTextClientMetadata) ? s_metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>Word lines look like <c>word start end confidence</c>; hypotheses and fillers are skipped.</summary>
    internal static List<(string Word, double Start, double End)> ParseWords(string output)
    {
        var words = new List<(string, double, double)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var end)
                || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            var word = Alternate().Replace(parts[0], "");
            if (word.Length == 0 || word[0] is '<' or '[' || word.StartsWith("++", StringComparison.Ordinal))
            {
                continue; // <s>, </s>, <sil>, [NOISE], ++FILLER++
            }
            words.Add((word, start, end));
        }
        return words;
    }

    /// <summary>Words into segments, broken at pauses and after a dozen words.</summary>
    internal static List<TimedSegment> Group(List<(string Word, double Start, double End)> words)
    {
        var segments = new List<TimedSegment>();
        var current = new List<(string Word, double Start, double End)>();
        foreach (var word in words)
        {
            if (current.Count > 0 && (word.Start - current[^1].End > SegmentPause || current.Count >= SegmentWords))
            {
                segments.Add(ToSegment(current));
                current.Clear();
            }
            current.Add(word);
        }
        if (current.Count > 0)
        {
            segments.Add(ToSegment(current));
        }
        return segments;
    }

    private static TimedSegment ToSegment(List<(string Word, double Start, double End)> words) =>
        new(words[0].Start, words[^1].End, string.Join(' ', words.Select(w => w.Word)));

    /// <summary>Pronunciation variants are printed as <c>the(2)</c>.</summary>
    [GeneratedRegex(@"\(\d+\)$")]
    private static partial Regex Alternate();
}
