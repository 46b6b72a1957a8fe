using System.Diagnostics;

namespace AskVideo.Benchmarks;

/// <summary>Media files made with ffmpeg, kept between runs in an ignored folder.</summary>
internal sealed class BenchMedia(string directory)
{
    /// <summary>About 1 GiB of 48 kHz stereo WAV (93 minutes of a tone).</summary>
    public Task<string> OneGibibyteWavAsync() =>
        CachedAsync("1gib.wav", path => $"-f lavfi -i sine=frequency=440:sample_rate=48000 -ac 2 -t 5592.4 -c:a pcm_s16le \"{path}\"");

    /// <summary>A few seconds of speech-like tone, for queue latency.</summary>
    public Task<string> ShortMp3Async() =>
        CachedAsync("short.mp3", path => $"-f lavfi -i sine=frequency=300:sample_rate=16000 -t 2 -c:a libmp3lame \"{path}\"");

    /// <summary>A 10-minute video: test pattern and a tone.</summary>
    public Task<string> TenMinuteVideoAsync() =>
        CachedAsync("10min.mp4", path =>
            $"-f lavfi -i testsrc=size=320x240:rate=15 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 600 " +
            $"-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 96k \"{path}\"");

    /// <summary>A 60-minute recording (a tone, mono AAC): the long-recording benchmark's upload.</summary>
    public Task<string> SixtyMinuteRecordingAsync() =>
        CachedAsync("60min.m4a", path => $"-f lavfi -i sine=frequency=220:sample_rate=16000 -t 3600 -ac 1 -c:a aac -b:a 32k \"{path}\"");

    /// <summary>A few seconds of speech (flite), the short spoken clip the load scenarios upload.</summary>
    public async Task<string> SpokenClipAsync()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "spoken.wav");
        if (!File.Exists(path))
        {
            var partial = Path.Combine(directory, "partial-spoken.wav");
            await RunAsync("flite", $"-voice rms -t \"Gradient descent walks downhill. The learning rate sets the step.\" -o \"{partial}\"");
            File.Move(partial, path, overwrite: true);
        }
        return path;
    }

    private async Task<string> CachedAsync(string name, Func<string, string> arguments)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return path;
        }
        var partial = Path.Combine(directory, "partial-" + name);
        await RunAsync("ffmpeg", "-hide_banner -loglevel error -y " + arguments(partial));
        File.Move(partial, path);
        return path;
    }

    public static async Task<TimeSpan> RunAsync(string program, string arguments)
    {
        var timer = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments}: {errors}");
        }
        return timer.Elapsed;
    }
}
