using System.Diagnostics;
using System.Globalization;
using AskVideo.Benchmarks.Faults;
using Npgsql;

namespace AskVideo.Benchmarks;

/// <summary>
/// P4: a 60-minute recording through the OpenAI-compatible engine, against a model that takes a
/// fixed latency per request (<c>--latency SECONDS</c>, default 30, about what a hosted model takes
/// for a 10-minute piece). Reports the job's wall time and the transcription stage (first request
/// to last answer) against one piece's latency; the target is at most 1.5x, which holds only when
/// the pieces are transcribed in parallel. <c>--parallel 4,8</c> runs once per value of
/// <c>Transcription:MaxParallelPieces</c> (default: the Worker's own default only).
/// </summary>
internal static class LongRecordingBenchmark
{
    public static async Task RunAsync(string root, BenchMedia media, IReadOnlyList<string> options)
    {
        var latency = TimeSpan.FromSeconds(30);
        List<int?> parallel = [null];
        for (var i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "--latency":
                    latency = TimeSpan.FromSeconds(double.Parse(options[++i], CultureInfo.InvariantCulture));
                    break;
                case "--parallel":
                    parallel = [.. options[++i].Split(',').Select(v => (int?)int.Parse(v, CultureInfo.InvariantCulture))];
                    break;
                default:
                    throw new ArgumentException($"long-recording: unknown option {options[i]} (use --latency SECONDS, --parallel N,M)");
            }
        }

        var recording = await media.SixtyMinuteRecordingAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var ct = cancel.Token;
        await using var servers = await DataServers.StartAsync(root, ct);
        foreach (var pieces in parallel)
        {
            await using var engine = await FixedLatencyEngine.StartAsync(latency);
            var name = $"p4_{pieces?.ToString(CultureInfo.InvariantCulture) ?? "default"}";
            await using var deployment = await Deployment.StartAsync(servers, name, engine.ConnectionString, null, ct);
            var settings = new Dictionary<string, string>();
            if (pieces is { } n)
            {
                settings["Transcription:MaxParallelPieces"] = n.ToString(CultureInfo.InvariantCulture);
            }
            await deployment.StartWorkerAsync("worker-a", settings, ct);
            using var http = await deployment.SignInAsync("p4", ct);
            var load = LoadAverage();
            var upload = Stopwatch.StartNew();
            var video = await UploadAsync(http, recording, ct);
            var uploadSeconds = upload.Elapsed.TotalSeconds;
            var (videos, _) = await Library.SettledAsync(deployment.Database, [video], TimeSpan.FromMinutes(20), ct);
            var (started, finished) = await JobTimesAsync(deployment.Database, ct);
            var requests = engine.Requests.OrderBy(r => r.Received).ToList();
            var stage = Stopwatch.GetElapsedTime(requests[0].Received, requests.Max(r => r.Answered));
            var wall = finished - started;
            Console.WriteLine(
                $"long-recording: MaxParallelPieces {pieces?.ToString(CultureInfo.InvariantCulture) ?? "default"}, 60 min ({new FileInfo(recording).Length / 1_000_000.0:0.0} MB, upload {uploadSeconds:0.0} s), " +
                $"{requests.Count} pieces of {requests.Average(r => r.Bytes) / 1_000_000.0:0.0} MB, latency {latency.TotalSeconds:0} s each; video {videos.Single().Status}; " +
                $"transcription stage {stage.TotalSeconds:0.0} s = {stage / latency:0.00}x; job wall time {wall.TotalSeconds:0.0} s = {wall / latency:0.00}x " +
                $"(target <= 1.50x); load average {load}");
            Console.WriteLine("long-recording: piece requests (s after the first): " + string.Join(", ", requests.Select(r =>
                $"{Stopwatch.GetElapsedTime(requests[0].Received, r.Received).TotalSeconds:0.0}-{Stopwatch.GetElapsedTime(requests[0].Received, r.Answered).TotalSeconds:0.0}")));
        }
    }

    private static async Task<int> UploadAsync(HttpClient http, string file, CancellationToken ct)
    {
        var content = new MultipartFormDataContent();
        var fileContent = new StreamContent(File.OpenRead(file));
        fileContent.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/mp4");
        content.Add(new StringContent("A one-hour recording"), "title");
        content.Add(fileContent, "file", "hour.m4a");
        using var response = await http.PostAsync("/api/videos/", content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {body}");
        }
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<int>();
    }

    private static async Task<(DateTimeOffset Started, DateTimeOffset Finished)> JobTimesAsync(string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT \"StartedAt\", \"FinishedAt\" FROM jobs ORDER BY \"Id\" LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
