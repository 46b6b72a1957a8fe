using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace AskVideo.Benchmarks.Faults;

/// <summary>One row of the campaign's table: held, or why not, and the figures behind it.</summary>
internal sealed record Outcome(string Row, string Fault, bool Held, string Figures, string? Reason = null);

/// <summary>
/// The fault and load campaign (bench/run.sh faults [--duration SECONDS] [--only R1,R3]): the real
/// Api and Workers as processes, on PostgreSQL and Redis from the machine's binaries, and a
/// transcription model with a fixed latency. Each scenario breaks something and checks, through the
/// Api and in SQL, that the system held; the end prints one table.
/// </summary>
internal static class FaultCampaign
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(string root, BenchMedia media, IReadOnlyList<string> options)
    {
        var duration = TimeSpan.FromSeconds(60);
        var only = new HashSet<string>(["R1", "R2", "R3", "R6"], StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Count; i++)
        {
            switch (options[i])
            {
                case "--duration":
                    duration = TimeSpan.FromSeconds(double.Parse(options[++i], CultureInfo.InvariantCulture));
                    break;
                case "--only":
                    only = new HashSet<string>(options[++i].Split(','), StringComparer.OrdinalIgnoreCase);
                    break;
                default:
                    throw new ArgumentException($"faults: unknown option {options[i]} (use --duration SECONDS, --only R1,R2,R3,R6)");
            }
        }

        var clip = await media.SpokenClipAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var ct = cancel.Token;
        await using var servers = await DataServers.StartAsync(root, ct);
        var outcomes = new List<Outcome>();
        var scenarios = new (string Row, string Fault, Func<Task<Outcome>> Run)[]
        {
            ("R1", "Worker SIGKILLed mid-job", () => WorkerKilledAsync(servers, clip, ct)),
            ("R2", "Redis down while 20 uploads arrive", () => RedisDownAsync(servers, clip, ct)),
            ("R3", "PostgreSQL restarted under 16 clients", () => PostgresRestartAsync(servers, clip, ct)),
            ("R6", $"{duration.TotalSeconds:0} s of mixed load, 32 clients", () => MixedLoadAsync(servers, clip, duration, ct)),
        };
        foreach (var (row, fault, run) in scenarios.Where(s => only.Contains(s.Row)))
        {
            Console.WriteLine($"-- {row}: {fault}  (load average {LoadAverage()})");
            Outcome outcome;
            try
            {
                outcome = await run();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                outcome = new Outcome(row, fault, false, "", $"the scenario failed: {e.GetType().Name}: {FirstLine(e.Message)}");
                Console.WriteLine(e);
            }
            outcome = outcome with { Fault = fault };
            Console.WriteLine($"   {(outcome.Held ? "held" : "NOT HELD: " + outcome.Reason)}; {outcome.Figures}");
            outcomes.Add(outcome);
        }

        Console.WriteLine();
        Console.WriteLine($"faults: load average {LoadAverage()} on {Environment.ProcessorCount} cores");
        Console.WriteLine("| row | fault | result | figures |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var o in outcomes)
        {
            Console.WriteLine($"| {o.Row} | {o.Fault} | {(o.Held ? "held" : "not held: " + o.Reason)} | {o.Figures} |");
        }
    }

    /// <summary>
    /// R1: two workers; the one that holds a job mid-transcription is SIGKILLed. The other claims the
    /// entry once the lease has lapsed and completes the job, leaving exactly one set of segments.
    /// </summary>
    private static async Task<Outcome> WorkerKilledAsync(DataServers servers, string clip, CancellationToken ct)
    {
        await using var engine = await FixedLatencyEngine.StartAsync(TimeSpan.FromSeconds(8));
        await using var deployment = await Deployment.StartAsync(servers, "r1", engine.ConnectionString, null, ct);
        // A short lease, so that the dead worker's job is claimed within seconds, not a minute.
        var lease = new Dictionary<string, string> { ["Worker:ClaimIdleTime"] = "00:00:05", ["Worker:Concurrency"] = "1" };
        var a = await deployment.StartWorkerAsync("worker-a", lease, ct);
        var b = await deployment.StartWorkerAsync("worker-b", lease, ct);
        using var http = await deployment.SignInAsync("r1", ct);

        var video = await Library.UploadOkAsync(http, clip, "Killed mid-job", ct);
        // Mid-job: the engine is transcribing the piece for whichever worker took it.
        var waited = Stopwatch.StartNew();
        while (engine.InFlight == 0)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                return new Outcome("R1", "", false, "", "no worker started the job within 2 min");
            }
            await Task.Delay(50, ct);
        }
        var holder = (await Library.LedgerAsync(deployment.Database, ct)).Single().Owners;
        var victim = holder == a.Name ? a : holder == b.Name ? b : null;
        if (victim is null)
        {
            return new Outcome("R1", "", false, "", $"the job's lease owner is '{holder}', not a known worker");
        }
        var survivor = victim == a ? b : a;
        var killedAt = Stopwatch.StartNew();
        await victim.KillAsync();

        var (videos, _) = await Library.SettledAsync(deployment.Database, [video], TimeSpan.FromMinutes(3), ct);
        var after = killedAt.Elapsed;
        var ledger = videos.Single();
        var figures = $"{victim.Name} killed while the engine had the piece; {ledger.Owners} finished it {after.TotalSeconds:0.0} s later " +
            $"(lease 5 s), attempts {ledger.MaxAttempts}, {ledger.Segments} segments ({FixedLatencyEngine.SegmentsPerPiece} per set), " +
            $"{ledger.Duplicates} repeated, the engine answered {engine.Requests.Count} request(s)";
        string? reason = ledger switch
        {
            { Status: not "Completed" } => $"video is {ledger.Status}",
            _ when ledger.Owners != survivor.Name => $"finished by {ledger.Owners}, not {survivor.Name}",
            _ when !ledger.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece) => $"{ledger.Jobs} jobs, {ledger.Succeeded} succeeded, {ledger.Segments} segments, {ledger.Duplicates} repeated",
            _ => null,
        };
        return new Outcome("R1", "", reason is null, figures, reason);
    }

    /// <summary>
    /// R2: Redis is stopped; 20 uploads arrive (4 at a time). Each must answer 201 within 1 s, and
    /// once Redis is back every job must complete (the outbox relay publishes what the uploads could not).
    /// </summary>
    private static async Task<Outcome> RedisDownAsync(DataServers servers, string clip, CancellationToken ct)
    {
        await using var engine = await FixedLatencyEngine.StartAsync(TimeSpan.FromMilliseconds(200));
        await using var deployment = await Deployment.StartAsync(servers, "r2", engine.ConnectionString, null, ct);
        await deployment.StartWorkerAsync("worker-a", null, ct);
        using var http = await deployment.SignInAsync("r2", ct);

        // The same 20 uploads with Redis up first: what an upload costs on this machine (the
        // content check runs ffprobe), so that what the outage adds can be told apart.
        var (baseline, _) = await UploadBatchAsync(http, clip, "Before the Redis outage");
        await servers.Redis.StopAsync(ct);
        var (samples, ids) = await UploadBatchAsync(http, clip, "During the Redis outage");
        await servers.Redis.RestartAsync(ct);
        var (videos, waited) = await Library.SettledAsync(deployment.Database, ids, TimeSpan.FromMinutes(3), ct);

        var latencies = samples.Select(s => s.Milliseconds).ToList();
        var created = samples.Count(s => s.Status == 201);
        var once = videos.Count(v => v.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece));
        var usual = baseline.Select(s => s.Milliseconds).ToList();
        var figures = $"{created}/20 answered 201; upload p50 {Library.Percentile(latencies, 50):0} ms, p99 {Library.Percentile(latencies, 99):0} ms, " +
            $"max {latencies.Max():0} ms (Redis up, the same 20: p50 {Library.Percentile(usual, 50):0}, p99 {Library.Percentile(usual, 99):0} ms); all settled {waited.TotalSeconds:0.0} s after Redis returned; {once}/20 completed once";
        string? reason = null;
        if (created != 20)
        {
            reason = $"{20 - created} uploads not 201 ({string.Join(", ", samples.Where(s => s.Status != 201).Select(s => s.Status == 0 ? s.Error : s.Status.ToString(CultureInfo.InvariantCulture)))})";
        }
        else if (latencies.Max() > 1000)
        {
            reason = $"{latencies.Count(l => l > 1000)} uploads took over 1 s ({usual.Count(l => l > 1000)} of the same 20 with Redis up did)";
        }
        else if (once != 20)
        {
            reason = $"{20 - once} jobs not completed once: {string.Join("; ", videos.Where(v => !v.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece)).Select(v => $"{v.VideoId} {v.Status} jobs {v.Jobs}"))}";
        }
        return new Outcome("R2", "", reason is null, figures, reason);
    }

    /// <summary>20 uploads of <paramref name="clip"/>, 4 at a time: each as the client saw it, and the ids of those answered 201.</summary>
    private static async Task<(List<Sample> Samples, List<int> Ids)> UploadBatchAsync(HttpClient http, string clip, string title)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        var ids = new List<int>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= 20)
            {
                var sample = await Library.TimeAsync("upload", clock, RequestTimeout, async token =>
                {
                    var response = await Library.UploadAsync(http, clip, title, token);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var id = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(token))!["id"]!.GetValue<int>();
                        lock (ids)
                        {
                            ids.Add(id);
                        }
                    }
                    return response;
                });
                lock (samples)
                {
                    samples.Add(sample);
                }
            }
        }));
        return (samples, ids);
    }

    /// <summary>
    /// R3: 16 clients list, get and ask while PostgreSQL stops (fast shutdown: every connection cut),
    /// stays down 5 s and starts again. Counts 503s in the outage, 500s and other 5xx, answers past the
    /// client's timeout, how long after the restart failures stop, and whether jobs queued just before
    /// the outage all complete.
    /// </summary>
    private static async Task<Outcome> PostgresRestartAsync(DataServers servers, string clip, CancellationToken ct)
    {
        await using var engine = await FixedLatencyEngine.StartAsync(TimeSpan.FromSeconds(1));
        await using var deployment = await Deployment.StartAsync(servers, "r3", engine.ConnectionString, null, ct);
        await deployment.StartWorkerAsync("worker-a", null, ct);
        using var http = await deployment.SignInAsync("r3", ct);
        var library = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            library.Add(await Library.UploadOkAsync(http, clip, $"Lecture {i}", ct));
        }
        await Library.SettledAsync(deployment.Database, library, TimeSpan.FromMinutes(2), ct);
        var group = await Library.GroupOfAsync(http, library, ct);
        // Jobs in flight when the database goes (the engine now takes 8 s a piece): none may be lost.
        engine.Latency = TimeSpan.FromSeconds(8);
        var inFlight = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            inFlight.Add(await Library.UploadOkAsync(http, clip, $"In flight {i}", ct));
        }

        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                var id = library[random.Next(library.Count)];
                var sample = (c % 3) switch
                {
                    0 => await Library.TimeAsync("list", clock, RequestTimeout, t => http.GetAsync("/api/videos/", t)),
                    1 => await Library.TimeAsync("get", clock, RequestTimeout, t => http.GetAsync($"/api/videos/{id}/", t)),
                    _ => await Library.TimeAsync("ask", clock, RequestTimeout, t => Library.AskAsync(http, group, "What does the learning rate set?", t)),
                };
                lock (samples)
                {
                    samples.Add(sample);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var unfinished = (await Library.LedgerAsync(deployment.Database, ct)).Count(v => inFlight.Contains(v.VideoId) && v.Status != "Completed");
        var down = clock.Elapsed.TotalSeconds;
        await servers.Postgres.RestartAsync(TimeSpan.FromSeconds(5), ct);
        var up = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(15), ct);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        var (videos, _) = await Library.SettledAsync(deployment.Database, inFlight, TimeSpan.FromMinutes(3), ct);

        var outage = samples.Where(s => s.End >= down && s.Start <= up).ToList();
        var failures = samples.Where(s => s.Status is 0 or >= 500).ToList();
        var lastFailure = failures.Count == 0 ? up : failures.Max(s => s.End);
        var recovery = Math.Max(0, lastFailure - up);
        var status500 = samples.Count(s => s.Status == 500);
        var other5xx = samples.Count(s => s.Status >= 500 && s.Status != 503);
        var timeouts = samples.Count(s => s.Status == 0);
        var maxMs = samples.Max(s => s.Milliseconds);
        var completed = videos.Count(v => v.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece));
        var byStatus = string.Join(", ", samples.GroupBy(s => s.Status == 0 ? s.Error! : s.Status.ToString(CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x {g.Count()}"));
        var figures = $"{samples.Count} requests ({byStatus}); down {up - down:0.0} s: {outage.Count(s => s.Status == 503)} x 503 of {outage.Count} in the outage; " +
            $"{status500} x 500, {other5xx} other 5xx, {timeouts} without an answer in {RequestTimeout.TotalSeconds:0} s, slowest {maxMs:0} ms; " +
            $"failures ended {recovery:0.0} s after PostgreSQL was back; {completed}/{inFlight.Count} jobs completed once ({unfinished} were unfinished when PostgreSQL stopped)";
        string? reason = null;
        if (status500 > 0 || other5xx > 0)
        {
            reason = $"{status500} x 500, {other5xx} x other 5xx";
        }
        else if (timeouts > 0)
        {
            reason = $"{timeouts} requests got no answer";
        }
        else if (outage.All(s => s.Status != 503))
        {
            reason = "no 503 was seen during the outage";
        }
        else if (recovery > 10)
        {
            reason = $"failures went on {recovery:0.0} s after the restart";
        }
        else if (completed != inFlight.Count)
        {
            reason = $"{inFlight.Count - completed} in-flight jobs not completed once";
        }
        return new Outcome("R3", "", reason is null, figures, reason);
    }

    /// <summary>
    /// R6: 32 clients for <paramref name="duration"/>: 4 upload short spoken clips (a pause of 2 s
    /// between uploads), the others list, get, ask and read media ranges. Then every upload must
    /// complete exactly once; no answer may be a 5xx.
    /// </summary>
    private static async Task<Outcome> MixedLoadAsync(DataServers servers, string clip, TimeSpan duration, CancellationToken ct)
    {
        await using var engine = await FixedLatencyEngine.StartAsync(TimeSpan.FromMilliseconds(500));
        await using var deployment = await Deployment.StartAsync(servers, "r6", engine.ConnectionString, null, ct);
        await deployment.StartWorkerAsync("worker-a", null, ct);
        await deployment.StartWorkerAsync("worker-b", null, ct);
        using var http = await deployment.SignInAsync("r6", ct);
        var library = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            library.Add(await Library.UploadOkAsync(http, clip, $"Lecture {i}", ct));
        }
        await Library.SettledAsync(deployment.Database, library, TimeSpan.FromMinutes(2), ct);
        var group = await Library.GroupOfAsync(http, library, ct);
        var mediaUrls = new List<string>();
        foreach (var id in library)
        {
            mediaUrls.Add(await Library.MediaUrlAsync(http, id, ct));
        }

        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        var uploaded = new List<int>();
        var clients = Enumerable.Range(0, 32).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (clock.Elapsed < duration)
            {
                Sample sample;
                if (c < 4)
                {
                    sample = await Library.TimeAsync("upload", clock, RequestTimeout, async t =>
                    {
                        var response = await Library.UploadAsync(http, clip, $"Load {c}", t);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var id = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(t))!["id"]!.GetValue<int>();
                            lock (uploaded)
                            {
                                uploaded.Add(id);
                            }
                        }
                        return response;
                    });
                }
                else
                {
                    var id = library[random.Next(library.Count)];
                    sample = random.Next(100) switch
                    {
                        < 30 => await Library.TimeAsync("list", clock, RequestTimeout, t => http.GetAsync("/api/videos/?page_size=20", t)),
                        < 60 => await Library.TimeAsync("get", clock, RequestTimeout, t => http.GetAsync($"/api/videos/{id}/", t)),
                        < 80 => await Library.TimeAsync("ask", clock, RequestTimeout, t => Library.AskAsync(http, group, "Why does a smaller step converge slowly?", t)),
                        _ => await Library.TimeAsync("media range", clock, RequestTimeout, t => Library.RangeAsync(http, mediaUrls[random.Next(mediaUrls.Count)], t)),
                    };
                }
                lock (samples)
                {
                    samples.Add(sample);
                }
                if (c < 4)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), ct);
                }
            }
        })).ToList();
        await Task.WhenAll(clients);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var (videos, waited) = await Library.SettledAsync(deployment.Database, uploaded, TimeSpan.FromMinutes(5), ct);

        Console.WriteLine("   | operation | requests | p50 ms | p99 ms | max ms | statuses |");
        Console.WriteLine("   | --- | --- | --- | --- | --- | --- |");
        foreach (var operation in samples.GroupBy(s => s.Operation).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ms = operation.Select(s => s.Milliseconds).ToList();
            var statuses = string.Join(", ", operation.GroupBy(s => s.Status == 0 ? s.Error! : s.Status.ToString(CultureInfo.InvariantCulture))
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x {g.Count()}"));
            Console.WriteLine($"   | {operation.Key} | {ms.Count} | {Library.Percentile(ms, 50):0} | {Library.Percentile(ms, 99):0} | {ms.Max():0} | {statuses} |");
        }

        var errors5xx = samples.Count(s => s.Status >= 500);
        var unanswered = samples.Count(s => s.Status == 0);
        var once = videos.Count(v => v.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece));
        var lost = uploaded.Count - videos.Count(v => v.Status is "Completed" or "Error");
        var percentiles = string.Join("; ", samples.GroupBy(s => s.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} p50 {Library.Percentile(g.Select(s => s.Milliseconds), 50):0} / p99 {Library.Percentile(g.Select(s => s.Milliseconds), 99):0} ms"));
        var figures = $"{samples.Count} requests in {loadSeconds:0} s ({samples.Count / loadSeconds:0}/s), {errors5xx} x 5xx, {unanswered} unanswered; " +
            $"{uploaded.Count} uploads, {once} completed once, {lost} lost, backlog done {waited.TotalSeconds:0.0} s after the load; {percentiles}";
        string? reason = null;
        if (errors5xx > 0 || unanswered > 0)
        {
            reason = $"{errors5xx} x 5xx, {unanswered} unanswered";
        }
        else if (once != uploaded.Count)
        {
            reason = $"{uploaded.Count - once} uploads not completed exactly once ({lost} not finished): " +
                string.Join("; ", videos.Where(v => !v.CompletedOnce(FixedLatencyEngine.SegmentsPerPiece)).Take(5)
                    .Select(v => $"{v.VideoId} {v.Status} jobs {v.Jobs} segments {v.Segments}"));
        }
        return new Outcome("R6", "", reason is null, figures, reason);
    }

    private static string LoadAverage() =>
        string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string FirstLine(string text) => text.Split('\n')[0];
}
