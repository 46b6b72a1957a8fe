using System.Diagnostics;
using System.Net.Http.Headers;

namespace AskVideo.Benchmarks;

/// <summary>
/// Upload of a 1 GiB file over loopback: throughput, and how much the Api's resident memory grows
/// while it streams the body to storage (targets: at least 200 MB/s, under 64 MB of growth).
/// </summary>
internal static class UploadBenchmark
{
    private const int Runs = 3;

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var file = await media.OneGibibyteWavAsync();
        var size = new FileInfo(file).Length;
        // Each upload is deleted as soon as it is stored, so the worker's job for it ends at once.
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["Uploads__MaxFileBytes"] = (4L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__Concurrency"] = "1",
        });

        for (var run = 1; run <= Runs; run++)
        {
            var before = system.ApiResidentBytes();
            var peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, system.ApiResidentBytes());
                    await Task.Delay(20);
                }
            });

            var timer = Stopwatch.StartNew();
            await using (var stream = File.OpenRead(file))
            {
                using var content = new MultipartFormDataContent();
                var fileContent = new StreamContent(stream, 256 * 1024);
                fileContent.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                content.Add(new StringContent($"benchmark {run}"), "title");
                content.Add(fileContent, "file", "big.wav");
                using var response = await system.Http.PostAsync("/api/videos/", content);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"upload failed: {(int)response.StatusCode} {body}");
                }
                timer.Stop();
                var id = System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<int>();
                await sampling.CancelAsync();
                await sampler;
                (await system.Http.DeleteAsync($"/api/videos/{id}/")).EnsureSuccessStatusCode();
            }

            var megabytesPerSecond = size / 1e6 / timer.Elapsed.TotalSeconds;
            Console.WriteLine(
                $"upload run {run}: {size / (1 << 20)} MiB in {timer.Elapsed.TotalSeconds:0.00} s = {megabytesPerSecond:0} MB/s; " +
                $"Api RSS {before / (1 << 20)} MiB before, peak {peak / (1 << 20)} MiB, growth {(peak - before) / (1 << 20)} MiB");
        }
    }
}
