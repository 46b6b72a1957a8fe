using System.Net.Http.Headers;

namespace AskVideo.Benchmarks;

/// <summary>
/// Time from an upload's commit to the moment a worker starts its job (target p50 under 50 ms).
/// Measured from the job row: PublishedAt (right after commit and XADD) to StartedAt, and, as an
/// upper bound that includes the commit itself, CreatedAt to StartedAt.
/// </summary>
internal static class QueueBenchmark
{
    private const int Uploads = 40;

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var file = await media.ShortMp3Async();
        await using var engine = await StubEngine.StartAsync();
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["ConnectionStrings__transcription"] = engine.ConnectionString,
        });

        for (var i = 0; i < Uploads; i++)
        {
            await using var stream = File.OpenRead(file);
            using var content = new MultipartFormDataContent();
            var fileContent = new StreamContent(stream);
            fileContent.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
            content.Add(fileContent, "file", "short.mp3");
            (await system.Http.PostAsync("/api/videos/", content)).EnsureSuccessStatusCode();
            // One at a time, so each job meets an idle worker: this measures the queue, not a backlog.
            await Task.Delay(300);
        }

        var jobs = await Jobs.WaitAllFinishedAsync(system.PostgresConnectionString, Uploads, TimeSpan.FromMinutes(5));
        var fromPublish = jobs.Where(j => j.PublishedAt is not null)
            .Select(j => (j.StartedAt!.Value - j.PublishedAt!.Value).TotalMilliseconds).ToList();
        var fromCreate = jobs.Select(j => (j.StartedAt!.Value - j.CreatedAt).TotalMilliseconds).ToList();
        Console.WriteLine($"queue: {jobs.Count} jobs, {fromPublish.Count} published at upload");
        Console.WriteLine($"queue: published -> worker start  p50 {Jobs.Percentile(fromPublish, 50):0.0} ms, p95 {Jobs.Percentile(fromPublish, 95):0.0} ms, max {fromPublish.Max():0.0} ms");
        Console.WriteLine($"queue: job row created -> start   p50 {Jobs.Percentile(fromCreate, 50):0.0} ms, p95 {Jobs.Percentile(fromCreate, 95):0.0} ms, max {fromCreate.Max():0.0} ms");
    }
}
