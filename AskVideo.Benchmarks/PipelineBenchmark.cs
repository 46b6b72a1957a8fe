using System.Net.Http.Headers;

namespace AskVideo.Benchmarks;

/// <summary>
/// A 10-minute video through the whole pipeline with a zero-latency engine, against ffmpeg's own
/// time for the same work (probe, extract mono 16 kHz audio): target under 3 s of overhead.
/// </summary>
internal static class PipelineBenchmark
{
    private const int Runs = 3;

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var file = await media.TenMinuteVideoAsync();
        await using var engine = await StubEngine.StartAsync();
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["ConnectionStrings__transcription"] = engine.ConnectionString,
        });

        for (var run = 1; run <= Runs; run++)
        {
            await using (var stream = File.OpenRead(file))
            {
                using var content = new MultipartFormDataContent();
                var fileContent = new StreamContent(stream);
                fileContent.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
                content.Add(fileContent, "file", "ten-minutes.mp4");
                (await system.Http.PostAsync("/api/videos/", content)).EnsureSuccessStatusCode();
            }
            var job = (await Jobs.WaitAllFinishedAsync(system.PostgresConnectionString, run, TimeSpan.FromMinutes(10)))[^1];
            var pipeline = job.FinishedAt!.Value - job.StartedAt!.Value;

            // ffmpeg's part of the same work, run directly.
            var scratch = Path.Combine(system.DataDirectory, "bench-ffmpeg.flac");
            var probe = await BenchMedia.RunAsync("ffprobe", $"-v error -show_format -show_streams \"{file}\"");
            var extract = await BenchMedia.RunAsync("ffmpeg", $"-hide_banner -loglevel error -y -i \"{file}\" -vn -ac 1 -ar 16000 -c:a flac \"{scratch}\"");
            File.Delete(scratch);
            var ffmpeg = probe + extract;

            Console.WriteLine(
                $"pipeline run {run} ({job.Status}): {pipeline.TotalSeconds:0.00} s in the worker, ffmpeg alone {ffmpeg.TotalSeconds:0.00} s " +
                $"(probe {probe.TotalSeconds:0.00} + extract {extract.TotalSeconds:0.00}), overhead {(pipeline - ffmpeg).TotalSeconds:0.00} s");
        }
    }
}
