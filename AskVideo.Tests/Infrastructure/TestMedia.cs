using System.Diagnostics;
using System.Globalization;

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// Makes real media files with ffmpeg and espeak-ng: spoken sentences, optionally under a
/// test-pattern video track, in any container the product accepts. Files are cached per run in
/// the test-data folder, so several tests can share one.
/// </summary>
public sealed class TestMedia(string directory)
{
    public const string DefaultSentence = "The quick brown fox jumps over the lazy dog near the river bank.";

    // One gate per file: making a file may need another cached file (a spoken video needs its
    // speech), so a single gate would deadlock on itself.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> s_gates = new(StringComparer.Ordinal);

    /// <summary>Audio/video arguments for ffmpeg by extension (audio-only formats have no video).</summary>
    private static readonly Dictionary<string, (bool Video, string Codecs)> s_formats = new(StringComparer.OrdinalIgnoreCase)
    {
        [".flac"] = (false, "-c:a flac"),
        [".m4a"] = (false, "-c:a aac -b:a 64k"),
        [".mp3"] = (false, "-c:a libmp3lame -b:a 64k"),
        [".mpga"] = (false, "-c:a libmp3lame -b:a 64k -f mp3"),
        [".oga"] = (false, "-c:a libvorbis -f ogg"),
        [".ogg"] = (false, "-c:a libvorbis"),
        [".wav"] = (false, "-c:a pcm_s16le"),
        [".webm"] = (true, "-c:v libvpx -b:v 200k -deadline realtime -cpu-used 8 -c:a libopus"),
        [".mp4"] = (true, "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k"),
        [".mpeg"] = (true, "-c:v mpeg1video -r 25 -c:a mp2 -f mpeg"),
        [".mov"] = (true, "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k"),
        [".mkv"] = (true, "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a libvorbis"),
        [".avi"] = (true, "-c:v mpeg4 -c:a libmp3lame"),
        [".m4v"] = (true, "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -f mp4"),
    };

    public static IEnumerable<string> Extensions => s_formats.Keys;

    /// <summary>A file of the given extension with <paramref name="sentence"/> spoken (and a video track where the format has one).</summary>
    public async Task<string> SpokenAsync(string extension, string sentence = DefaultSentence, CancellationToken cancellationToken = default)
    {
        var (video, codecs) = s_formats[extension];
        var name = $"spoken-{Hash(sentence)}{extension}";
        return await CachedAsync(name, async path =>
        {
            var speech = await SpeechWavAsync(sentence, cancellationToken);
            var inputs = video
                ? $"-f lavfi -i testsrc=size=160x120:rate=10 -i \"{speech}\" -shortest -map 0:v -map 1:a"
                : $"-i \"{speech}\"";
            await RunAsync("ffmpeg", $"-hide_banner -loglevel error -y {inputs} {codecs} \"{path}\"", cancellationToken);
        });
    }

    /// <summary>A 16 kHz mono WAV of espeak-ng speaking <paramref name="sentence"/>.</summary>
    public Task<string> SpeechWavAsync(string sentence, CancellationToken cancellationToken = default) =>
        CachedAsync($"speech-{Hash(sentence)}.wav", async path =>
        {
            var raw = path + ".raw.wav";
            await RunAsync("espeak-ng", $"-s 150 -w \"{raw}\" \"{sentence.Replace("\"", "", StringComparison.Ordinal)}\"", cancellationToken);
            await RunAsync("ffmpeg", $"-hide_banner -loglevel error -y -i \"{raw}\" -ac 1 -ar 16000 \"{path}\"", cancellationToken);
            File.Delete(raw);
        });

    /// <summary>A video with a picture but no audio track at all.</summary>
    public Task<string> SilentVideoAsync(CancellationToken cancellationToken = default) =>
        CachedAsync("no-audio.mp4", path => RunAsync("ffmpeg",
            $"-hide_banner -loglevel error -y -f lavfi -i testsrc=size=160x120:rate=10 -t 3 -c:v libx264 -preset ultrafast -pix_fmt yuv420p \"{path}\"",
            cancellationToken));

    /// <summary>
    /// Audio whose second <c>t</c> is a pure tone of <c>100 + t</c> Hz (16 kHz mono FLAC), so anyone
    /// holding a sample-exact piece of it can tell which seconds it covers by counting zero crossings.
    /// </summary>
    public Task<string> TimeCodedToneAsync(int seconds, CancellationToken cancellationToken = default) =>
        CachedAsync($"tone-{seconds.ToString(CultureInfo.InvariantCulture)}s.flac", path => RunAsync("ffmpeg",
            $"-hide_banner -loglevel error -y -f lavfi -i \"aevalsrc=0.5*sin(2*PI*(100+floor(t))*t):s=16000:d={seconds.ToString(CultureInfo.InvariantCulture)}\" -ac 1 -c:a flac \"{path}\"",
            cancellationToken));

    /// <summary>A plain file with any name: text pretending to be media, empty files, ...</summary>
    public string Text(string fileName, string content)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}-{fileName}");
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<string> CachedAsync(string name, Func<string, Task> create)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var gate = s_gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (!File.Exists(path))
            {
                var partial = Path.Combine(directory, "partial-" + name);
                await create(partial);
                File.Move(partial, path, overwrite: true);
            }
        }
        finally
        {
            gate.Release();
        }
        return path;
    }

    public static async Task RunAsync(string program, string arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException($"{program} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
}
