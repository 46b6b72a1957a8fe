using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace AskVideo.Benchmarks;

/// <summary>
/// Media delivery: a 1 GiB file read over loopback through its signed media URL, against reading
/// the same file with <c>cat &gt; /dev/null</c> (target: at least half of cat's rate); and requests
/// per second for random 64 KiB ranges.
/// </summary>
internal static class MediaBenchmark
{
    private const int Runs = 3;
    private const int RangeBytes = 64 * 1024;
    private const int RangeClients = 8;
    private static readonly TimeSpan s_rangeDuration = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var file = await media.OneGibibyteWavAsync();
        var size = new FileInfo(file).Length;
        await using var engine = await StubEngine.StartAsync();
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["Uploads__MaxFileBytes"] = (4L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectionStrings__transcription"] = engine.ConnectionString,
        });

        string mediaUrl;
        await using (var stream = File.OpenRead(file))
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
        // A browser's view: no Authorization header, only the signed URL.
        using var player = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };

        for (var run = 1; run <= Runs; run++)
        {
            var cat = await BenchMedia.RunAsync("sh", $"-c \"cat '{file}' > /dev/null\"");
            var timer = Stopwatch.StartNew();
            using (var response = await player.GetAsync(mediaUrl, HttpCompletionOption.ResponseHeadersRead))
            {
                await using var body = await response.EnsureSuccessStatusCode().Content.ReadAsStreamAsync();
                var buffer = new byte[256 * 1024];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }
                if (total != size)
                {
                    throw new InvalidOperationException($"read {total} bytes of {size}");
                }
            }
            timer.Stop();
            var http = size / 1e6 / timer.Elapsed.TotalSeconds;
            var local = size / 1e6 / cat.TotalSeconds;
            // curl as a second client, to tell the server's rate from the .NET client's.
            var curl = await BenchMedia.RunAsync("curl", $"-s -o /dev/null \"{mediaUrl}\"");
            var curlRate = size / 1e6 / curl.TotalSeconds;
            Console.WriteLine($"media run {run}: HTTP {http:0} MB/s (.NET client), {curlRate:0} MB/s (curl); cat {local:0} MB/s; ratio {http / local:P0} / {curlRate / local:P0}");
        }

        var count = 0L;
        var deadline = DateTime.UtcNow + s_rangeDuration;
        var clients = Enumerable.Range(0, RangeClients).Select(async seed =>
        {
            var random = new Random(seed);
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
                while (await body.ReadAsync(buffer) > 0)
                {
                }
                Interlocked.Increment(ref count);
            }
        });
        var rangeTimer = Stopwatch.StartNew();
        await Task.WhenAll(clients);
        Console.WriteLine($"media ranges: {count} requests of 64 KiB in {rangeTimer.Elapsed.TotalSeconds:0.0} s with {RangeClients} clients = {count / rangeTimer.Elapsed.TotalSeconds:0} requests/s");
    }
}
