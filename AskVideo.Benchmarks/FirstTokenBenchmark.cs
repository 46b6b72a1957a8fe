using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using AskVideo.Core.Data;

namespace AskVideo.Benchmarks;

/// <summary>
/// Server overhead before the first streamed token (target p50 ≤ 25 ms): streamed asks to the real
/// Api (POST /api/chat/, stream: true), the chat model being a loopback fake that waits D before its
/// first content chunk, and embeddings the loopback hashing model. Per ask, on one Stopwatch clock:
/// request sent → first <c>delta</c> event bytes received, minus the fake model's own time from
/// receiving the request to flushing its first content chunk (≈ D); also shown minus D alone.
/// </summary>
internal static class FirstTokenBenchmark
{
    private const int Videos = 10;
    private const int Asks = 250;
    private const int WarmUp = 20;
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(string root)
    {
        await using var model = await FakeModelServer.StartAsync();
        model.FirstTokenDelay = s_delay;
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["ConnectionStrings__chat"] = model.ChatConnectionString,
            ["ConnectionStrings__embeddings"] = model.EmbeddingsConnectionString,
            ["RateLimits__Chat__AskPermitsPerUser"] = "1000000",
        });
        var corpus = TranscriptCorpus.Generate(Videos, 60, Asks);
        LoadedCorpus loaded;
        await using (var dataSource = DatabaseRegistration.BuildDataSource(system.PostgresConnectionString))
        {
            loaded = await CorpusLoader.LoadAsync(dataSource, corpus);
        }
        Console.WriteLine($"first-token: group of {Videos} completed videos ({loaded.Scenes} scenes), D = {s_delay.TotalMilliseconds:0} ms, " +
            $"{Asks} measured asks after {WarmUp} warm-up asks, one at a time");

        var load = RetrievalServices.LoadAverage();
        var total = new List<double>();
        var overhead = new List<double>();
        var minusD = new List<double>();
        var beforeModel = new List<double>();
        var afterModel = new List<double>();
        var modelTime = new List<double>();
        var withoutModel = 0;
        for (var i = 0; i < WarmUp + Asks; i++)
        {
            var question = corpus.Questions[i % corpus.Questions.Count].Text;
            var (sent, firstDelta) = await AskAsync(system.Http, loaded.GroupId, question);
            if (i < WarmUp)
            {
                continue;
            }
            var (received, firstChunk) = model.LastChat;
            if (received < sent)
            {
                // Retrieval judged the question not covered, so no model was asked: not a first-token figure.
                withoutModel++;
                continue;
            }
            var elapsed = Milliseconds(sent, firstDelta);
            var modelSpan = Milliseconds(received, firstChunk);
            total.Add(elapsed);
            modelTime.Add(modelSpan);
            overhead.Add(elapsed - modelSpan);
            minusD.Add(elapsed - s_delay.TotalMilliseconds);
            beforeModel.Add(Milliseconds(sent, received));
            afterModel.Add(Milliseconds(firstChunk, firstDelta));
        }

        // What retrieval alone costs on the same data: the product's SceneSearch in-process (hybrid, top 8).
        var retrieval = new List<double>();
        await using (var provider = RetrievalServices.Build(system.PostgresConnectionString, model.EmbeddingsConnectionString))
        {
            foreach (var question in corpus.Questions.Take(Asks))
            {
                var started = Stopwatch.GetTimestamp();
                await RetrievalServices.SearchAsync(provider, loaded.GroupId, question.Text, 8);
                retrieval.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        Console.WriteLine($"first-token (load average {load} before, {RetrievalServices.LoadAverage()} after; " +
            $"{total.Count} asks answered by the model, {withoutModel} judged not covered without asking it):");
        Console.WriteLine("                                                     p50      p95      p99      max");
        Print("request sent → first delta byte", total);
        Print("fake model: received → first chunk flushed", modelTime);
        Print("server overhead (total − fake model's time)", overhead);
        Print($"total − D ({s_delay.TotalMilliseconds:0} ms)", minusD);
        Print("  of which: sent → model request received", beforeModel);
        Print("  of which: first chunk → first delta byte", afterModel);
        Print("retrieval alone (in-process SceneSearch, hybrid)", retrieval);
        var embeddings = model.EmbeddingMilliseconds.ToList();
        if (embeddings.Count > 0)
        {
            Print($"fake embeddings server time ({embeddings.Count} calls)", embeddings);
        }
    }

    /// <summary>One streamed ask; the Stopwatch timestamps of sending and of the first <c>delta</c> event's bytes.</summary>
    private static async Task<(long Sent, long FirstDelta)> AskAsync(HttpClient http, int groupId, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/")
        {
            Content = JsonContent.Create(new
            {
                group_id = groupId,
                messages = new[] { new { role = "user", content = question } },
                stream = true,
            }),
        };
        await request.Content.LoadIntoBufferAsync();
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        var seen = new StringBuilder();
        long firstDelta = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (firstDelta == 0)
            {
                seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (seen.ToString().Contains("event: delta", StringComparison.Ordinal))
                {
                    firstDelta = Stopwatch.GetTimestamp();
                }
            }
        }
        if (firstDelta == 0 || !seen.ToString().Contains("event: delta", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The answer streamed no delta event:\n" + seen);
        }
        return (sent, firstDelta);
    }

    private static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static void Print(string label, List<double> values) => Console.WriteLine(
        $"  {label,-48} {Jobs.Percentile(values, 50),6:0.00}   {Jobs.Percentile(values, 95),6:0.00}   " +
        $"{Jobs.Percentile(values, 99),6:0.00}   {values.Max(),6:0.00}  ms");
}
