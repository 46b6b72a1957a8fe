using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// Answer quality of what actually runs, offline (no chat model, so extractive answers): the
/// corpus of bench/quality (short lectures and long course recordings, English and Japanese) is
/// indexed by the running Worker's own index jobs, then every question is asked through the real
/// <c>POST /api/chat/</c> as the owner, and the returned citations and answers are scored.
/// By default with the local embeddings service (all-MiniLM-L6-v2, started in-process on loopback), as
/// a local run without a provider uses it. Options: <c>--embeddings none</c> (words alone, as with
/// <c>AppHost:LocalEmbeddings=false</c>), <c>--embeddings hashing</c> (the loopback hashing embeddings
/// model), <c>--embeddings local</c> (the default), <c>--scene-tokens N</c>
/// (the Worker's <c>Indexing:SceneMaxTokens</c> instead of its default), <c>--dump FILE</c>
/// (per-question results as JSON), <c>--evidence FILE</c> (what retrieval weighed per ask, see
/// <see cref="EvidenceDump"/>).
/// </summary>
internal static class QualityBenchmark
{
    private enum EmbeddingsModel
    {
        None,
        Hashing,
        Local,
    }

    private sealed record Options(EmbeddingsModel Embeddings, int? SceneTokens, string? Dump, string? Evidence = null);

    public static async Task RunAsync(string root, IReadOnlyList<string> arguments)
    {
        var options = Parse(arguments);
        var corpus = QualityCorpus.Load(Path.Combine(root, "bench", "quality"));
        await using var model = options.Embeddings == EmbeddingsModel.Hashing ? await FakeModelServer.StartAsync() : null;
        await using var local = options.Embeddings == EmbeddingsModel.Local ? await LocalEmbeddingsServer.StartAsync() : null;
        var embeddings = model?.EmbeddingsConnectionString ?? local?.ConnectionString;
        var environment = new Dictionary<string, string> { ["RateLimits__Chat__AskPermitsPerUser"] = "1000000" };
        if (embeddings is not null)
        {
            environment["ConnectionStrings__embeddings"] = embeddings;
        }
        if (local is not null)
        {
            // As the AppHost gives it: the model is English-only.
            environment["Embeddings__Multilingual"] = "false";
        }
        if (options.SceneTokens is { } sceneTokens)
        {
            // The Worker's own setting: its index jobs build scenes of this size.
            environment["Indexing__SceneMaxTokens"] = sceneTokens.ToString(CultureInfo.InvariantCulture);
        }
        await using var system = await SystemUnderTest.StartAsync(root, environment);

        var load = Stopwatch.StartNew();
        IReadOnlyDictionary<string, int> videoIds;
        IReadOnlyDictionary<string, int> groupIds;
        int scenes;
        await using (var services = RetrievalServices.Build(system.PostgresConnectionString, embeddings ?? ""))
        {
            (videoIds, groupIds, scenes) = await QualityLoader.LoadAsync(services, system.Http, corpus, CancellationToken.None);
        }
        var shortCount = corpus.Videos.Count(v => v.Part == CorpusPart.Short);
        var longVideos = corpus.Videos.Where(v => v.Part == CorpusPart.Long).ToList();
        Console.WriteLine($"quality: {shortCount} lectures ({Minutes(corpus.Videos.Where(v => v.Part == CorpusPart.Short))}) and " +
            $"{longVideos.Count} long recordings ({string.Join(", ", longVideos.Select(v => $"{v.Duration / 60:0} min"))}) " +
            $"in {corpus.Groups.Count} groups; {scenes} scenes of at most {options.SceneTokens ?? new AskVideo.Worker.Indexing.IndexingOptions().SceneMaxTokens} tokens " +
            $"({options.Embeddings switch { EmbeddingsModel.Hashing => "hashing embeddings", EmbeddingsModel.Local => $"local embeddings, {AskVideo.Embeddings.Model.TextEncoder.ModelName}", _ => "no embeddings" }}) built by the Worker's index jobs in {load.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"quality: {corpus.CoveredQuestions} covered and {corpus.UncoveredQuestions} uncovered questions, " +
            $"{corpus.Asks.Count} asks (covered ones in their lecture's group and in the long recordings' group)");

        var asking = Stopwatch.StartNew();
        var results = new List<AskResult>();
        foreach (var ask in corpus.Asks)
        {
            results.Add(await AskAsync(system.Http, ask, groupIds[ask.Group.Name], videoIds));
        }
        Console.WriteLine($"quality: asked in {asking.Elapsed.TotalSeconds:0.0} s ({asking.Elapsed.TotalMilliseconds / results.Count:0} ms per ask); " +
            $"answer modes: {string.Join(", ", results.GroupBy(r => r.Mode).Select(g => $"{g.Key} {g.Count()}"))}");
        QualityReport.PrintLegend();
        QualityReport.Print("quality: the product (POST /api/chat/)", results);
        QualityReport.Print($"quality: reference, not the product: BM25 over single segments in-process, abstaining below {LexicalBaseline.MinCoverage:0.0} " +
            "IDF-weighted coverage of the question's terms", LexicalBaseline.Run(corpus));
        if (options.Evidence is { } evidence)
        {
            await using var services = RetrievalServices.Build(system.PostgresConnectionString, embeddings ?? "");
            await EvidenceDump.WriteAsync(evidence, services, system.PostgresConnectionString, corpus.Asks, groupIds, videoIds);
        }
        if (options.Dump is { } dump)
        {
            await QualityReport.DumpAsync(dump, results, corpus);
        }
    }

    private static async Task<AskResult> AskAsync(HttpClient http, Ask ask, int groupId, IReadOnlyDictionary<string, int> videoIds)
    {
        var response = await http.PostAsJsonAsync("/api/chat/", new
        {
            group_id = groupId,
            messages = new[] { new { role = "user", content = ask.Question } },
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Asking \"{ask.Question}\" answered {(int)response.StatusCode}: {body}");
        }
        var json = JsonNode.Parse(body)!;
        var citations = json["citations"]!.AsArray().Select(c => new Citation(
            c!["n"]!.GetValue<int>(), c["video_id"]!.GetValue<int>(), c["title"]!.GetValue<string>(),
            c["start"]!.GetValue<double>(), c["end"]!.GetValue<double>(), c["quote"]?.GetValue<string>() ?? "",
            c["media_url"]?.GetValue<string>(), c["passage_start"]?.GetValue<double>(), c["passage_end"]?.GetValue<double>())).ToList();
        return new AskResult(ask, videoIds, json["content"]!.GetValue<string>(), json["mode"]!.GetValue<string>(), citations);
    }

    private static string Minutes(IEnumerable<CorpusVideo> videos)
    {
        var minutes = videos.Select(v => v.Duration / 60).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{minutes.Min():0.0}–{minutes.Max():0.0} min each, {minutes.Sum():0} min in all");
    }

    private static Options Parse(IReadOnlyList<string> arguments)
    {
        var options = new Options(EmbeddingsModel.Local, null, null);
        for (var i = 0; i < arguments.Count; i++)
        {
            options = arguments[i] switch
            {
                "--embeddings" when i + 1 < arguments.Count && Enum.TryParse<EmbeddingsModel>(arguments[i + 1], ignoreCase: true, out var model)
                    => options with { Embeddings = model },
                "--scene-tokens" when i + 1 < arguments.Count && int.TryParse(arguments[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0
                    => options with { SceneTokens = n },
                "--dump" when i + 1 < arguments.Count => options with { Dump = arguments[i + 1] },
                "--evidence" when i + 1 < arguments.Count => options with { Evidence = arguments[i + 1] },
                _ => throw new ArgumentException(
                    $"quality: unknown option {arguments[i]}; use --embeddings none|hashing|local, --scene-tokens N (N > 0), --dump FILE, --evidence FILE"),
            };
            if (arguments[i] is "--scene-tokens" or "--dump" or "--evidence" or "--embeddings")
            {
                i++;
            }
        }
        return options;
    }
}
