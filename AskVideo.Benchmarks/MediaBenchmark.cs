using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace AskVideo.Benchmarks;

/// <summary>
/// Media delivery: a 1 GiB file read over loopback through its signed media URL, against reading
/// the very file the Api serves with <c>cat &gt; /dev/null</c> (target: at least half of cat's rate);
/// and requests per second for random 64 KiB ranges. Each figure is the median of several runs,
/// with the page cache hot, and again cold (caches dropped before each read) when this process may
/// write <c>/proc/sys/vm/drop_caches</c>. A raw TCP socket sending the file with sendfile(2) to the
/// same kind of reader shows what loopback itself allows on this machine.
/// </summary>
internal static class MediaBenchmark
{
    private const int Runs = 5;
    private const int RangeBytes = 64 * 1024;
    private const int RangeClients = 8;
    private const int RangeRuns = 3;
    private static readonly TimeSpan s_rangeDuration = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var source = await media.OneGibibyteWavAsync();
        var size = new FileInfo(source).Length;
        await using var engine = await StubEngine.StartAsync();
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["Uploads__MaxFileBytes"] = (4L << 30).ToString(CultureInfo.InvariantCulture),
            ["ConnectionStrings__transcription"] = engine.ConnectionString,
        });

        string mediaUrl;
        await using (var stream = File.OpenRead(source))
        {
            using var content = new MultipartFormDataContent();
            var part = new StreamContent(stream, 256 * 1024);
            part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            content.Add(part, "file", "big.wav");
            var created = await system.Http.PostAsync("/api/videos/", content);
            var body = JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
            mediaUrl = body["media_url"]!.GetValue<string>();
        }
        // Let the worker finish with the upload first, so that it does not share the machine with the measurement.
        await Jobs.WaitAllFinishedAsync(system.PostgresConnectionString, 1, TimeSpan.FromMinutes(10));
        // cat reads the stored copy the Api serves, not the upload's source.
        var served = Directory.EnumerateFiles(Path.Combine(system.DataDirectory, "media"), "*", SearchOption.AllDirectories)
            .Single(path => new FileInfo(path).Length == size);
        // A browser's view: no Authorization header, only the signed URL.
        using var player = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        var catStart = await CatStartAsync();
        var reader = new MediaReaders(player, mediaUrl, served, size, catStart);

        Console.WriteLine($"media file: {size} bytes, served from {served}");
        Console.WriteLine($"media: the start of sh and cat ({catStart.TotalMilliseconds:0.0} ms) is subtracted from cat's time; curl reports its own time");
        // Warm up the page cache, the JIT and the connection before the first measured run.
        await reader.CatAsync();
        await reader.DotnetAsync();
        var residentBefore = system.ApiResidentBytes();
        await MeasureAsync("hot", reader, dropCaches: false);
        Console.WriteLine($"media: Api resident memory {residentBefore / 1e6:0} MB before the hot runs, {system.ApiResidentBytes() / 1e6:0} MB after");
        if (await PageCache.TryDropAsync())
        {
            await MeasureAsync("cold", reader, dropCaches: true);
        }
        else
        {
            Console.WriteLine("media cold: not measured (cannot write /proc/sys/vm/drop_caches; run as root)");
        }

        await reader.CatAsync();
        // Warm up the range path (connections, JIT, the database) before the measured runs.
        await RangesAsync(player, mediaUrl, size, seed: 0, TimeSpan.FromSeconds(1));
        Console.WriteLine($"media ranges: load average {LoadAverage()} before");
        var rates = new List<double>();
        for (var run = 1; run <= RangeRuns; run++)
        {
            var (count, seconds) = await RangesAsync(player, mediaUrl, size, seed: run * 100, s_rangeDuration);
            rates.Add(count / seconds);
            Console.WriteLine($"media ranges run {run}: {count} requests of 64 KiB in {seconds:0.0} s with {RangeClients} clients = {count / seconds:0} requests/s");
        }
        Console.WriteLine($"media ranges median of {RangeRuns}: {Median(rates):0} requests/s");
    }

    private static async Task MeasureAsync(string cache, MediaReaders reader, bool dropCaches)
    {
        Console.WriteLine($"media {cache}: load average {LoadAverage()} before (this machine has {Environment.ProcessorCount} CPUs; anything else running skews the figures)");
        var cat = new List<double>();
        var dotnet = new List<double>();
        var curl = new List<double>();
        var socket = new List<double>();
        for (var run = 1; run <= Runs; run++)
        {
            cat.Add(await Rate(reader.CatAsync));
            dotnet.Add(await Rate(reader.DotnetAsync));
            curl.Add(await Rate(reader.CurlAsync));
            socket.Add(await Rate(reader.SendfileSocketAsync));
            Console.WriteLine($"media {cache} run {run}: cat {cat[^1]:0} MB/s; HTTP {dotnet[^1]:0} MB/s (.NET client), {curl[^1]:0} MB/s (curl); raw TCP sendfile {socket[^1]:0} MB/s");
        }
        var (catMedian, dotnetMedian, curlMedian, socketMedian) = (Median(cat), Median(dotnet), Median(curl), Median(socket));
        Console.WriteLine($"media {cache} median of {Runs}: cat {catMedian:0} MB/s; HTTP {dotnetMedian:0} MB/s (.NET client) = {dotnetMedian / catMedian:P0} of cat, " +
            $"{curlMedian:0} MB/s (curl) = {curlMedian / catMedian:P0} of cat; raw TCP sendfile {socketMedian:0} MB/s = {socketMedian / catMedian:P0} of cat");

        async Task<double> Rate(Func<Task<TimeSpan>> read)
        {
            if (dropCaches && !await PageCache.TryDropAsync())
            {
                throw new InvalidOperationException("Dropping the page cache stopped working.");
            }
            return reader.Size / 1e6 / (await read()).TotalSeconds;
        }
    }

    private static async Task<(long Count, double Seconds)> RangesAsync(HttpClient player, string mediaUrl, long size, int seed, TimeSpan duration)
    {
        var count = 0L;
        var deadline = DateTime.UtcNow + duration;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(seed, RangeClients).Select(async clientSeed =>
        {
            var random = new Random(clientSeed);
            var buffer = new byte[RangeBytes];
            while (DateTime.UtcNow < deadline)
            {
                var start = random.NextInt64(0, size - RangeBytes);
                using var request = new HttpRequestMessage(HttpMethod.Get, mediaUrl);
                request.Headers.Range = new RangeHeaderValue(start, start + RangeBytes - 1);
                using var response = await player.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != System.Net.HttpStatusCode.PartialContent)
                {
                    throw new InvalidOperationException($"range answered {(int)response.StatusCode}");
                }
                await using var body = await response.Content.ReadAsStreamAsync();
                await body.ReadExactlyAsync(buffer);
                if (await body.ReadAsync(buffer) != 0)
                {
                    throw new InvalidOperationException("range answered more than 64 KiB");
                }
                Interlocked.Increment(ref count);
            }
        }));
        return (count, timer.Elapsed.TotalSeconds);
    }

    private static async Task<TimeSpan> CatStartAsync()
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            times.Add((await BenchMedia.RunAsync("sh", "-c \"cat /dev/null > /dev/null\"")).TotalSeconds);
        }
        return TimeSpan.FromSeconds(Median(times));
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
