using System.Diagnostics;
using System.Globalization;
using System.Net;
using AskVideo.Benchmarks.Quality;
using AskVideo.Core.AI;
using AskVideo.Embeddings.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AskVideo.Benchmarks;

/// <summary>
/// The local embeddings service (AskVideo.Embeddings, all-MiniLM-L6-v2) in this process, on loopback,
/// as the AppHost runs it for a local run with no provider configured.
/// </summary>
internal sealed class LocalEmbeddingsServer : IAsyncDisposable
{
    private readonly Factory _factory;

    private LocalEmbeddingsServer(Factory factory, string baseUrl, TimeSpan startup)
    {
        _factory = factory;
        BaseUrl = baseUrl;
        Startup = startup;
    }

    public string BaseUrl { get; }

    /// <summary>From start to a healthy <c>/health</c>: the model loaded and warmed up.</summary>
    public TimeSpan Startup { get; }

    public string ConnectionString => $"Endpoint={BaseUrl}/v1;Key=local;Model={TextEncoder.ModelName}";

    public static async Task<LocalEmbeddingsServer> StartAsync()
    {
        var started = Stopwatch.StartNew();
        var factory = new Factory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        while ((await http.GetAsync("/health")).StatusCode != HttpStatusCode.OK)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("The local embeddings service did not load its model within 3 minutes.");
            }
            await Task.Delay(50);
        }
        return new LocalEmbeddingsServer(factory, baseUrl, started.Elapsed);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private sealed class Factory : WebApplicationFactory<TextEncoder>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            // The readiness probe above fails on purpose while the model loads.
            builder.UseSetting("Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks", "None");
        }
    }
}

/// <summary>
/// What the local embeddings service costs, through the product's own client (SceneEmbedder over
/// HTTP, in its batches of 64, as the Worker and Api call it): texts per second for 1,000
/// transcript segments and for scene-length passages, and the time to embed one question.
/// </summary>
internal static class LocalEmbeddingsBenchmark
{
    public static async Task RunAsync(string root)
    {
        var corpus = QualityCorpus.Load(Path.Combine(root, "bench", "quality"));
        var english = corpus.Videos.Where(v => v.Language == "en" && v.Part == CorpusPart.Short).ToList();
        // The corpus has fewer than this many English texts: they are taken again from the start.
        var segments = Cycle(english.SelectMany(v => v.Segments).Select(s => s.Text).ToList()).Take(1000).ToList();
        var scenes = Cycle(english.SelectMany(v => Scenes(v.Segments)).ToList()).Take(100).ToList();
        var questions = corpus.Asks.Where(a => a.Language == "en").Select(a => a.Question).Distinct().Take(100).ToList();

        await using var server = await LocalEmbeddingsServer.StartAsync();
        Console.WriteLine($"local-embeddings: {TextEncoder.ModelName} loaded and healthy in {server.Startup.TotalSeconds:0.0} s " +
            $"({Environment.ProcessorCount} cores, load average {RetrievalServices.LoadAverage()})");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:embeddings"] = server.ConnectionString,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddEmbeddings(configuration);
        await using var provider = services.BuildServiceProvider();
        var embedder = provider.GetRequiredService<SceneEmbedder>();
        await embedder.EmbedAsync(questions.Take(4).ToList(), CancellationToken.None);

        await Throughput(embedder, "segments", segments);
        await Throughput(embedder, "scenes", scenes);

        var times = new List<double>();
        foreach (var question in questions)
        {
            var started = Stopwatch.GetTimestamp();
            await embedder.EmbedAsync(question, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"local-embeddings: one question ({questions.Average(q => q.Length):0} chars): p50 {Jobs.Percentile(times, 50):0.0} ms, " +
            $"p90 {Jobs.Percentile(times, 90):0.0} ms over {times.Count} questions, each its own request"));
    }

    private static async Task Throughput(SceneEmbedder embedder, string what, List<string> texts)
    {
        var started = Stopwatch.GetTimestamp();
        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (vectors.Count != texts.Count)
        {
            throw new InvalidOperationException($"{vectors.Count} vectors for {texts.Count} texts");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"local-embeddings: {texts.Count} {what} ({texts.Average(t => t.Length):0} chars on average) in {elapsed.TotalSeconds:0.0} s: " +
            $"{texts.Count / elapsed.TotalSeconds:0.0} texts/s, {elapsed.TotalMilliseconds / texts.Count:0.0} ms per text"));
    }

    /// <summary>Consecutive segments joined to about the length of the Worker's scenes (~250 words).</summary>
    private static IEnumerable<string> Scenes(IReadOnlyList<TimedSegment> segments)
    {
        var words = 0;
        var scene = new List<string>();
        foreach (var segment in segments)
        {
            scene.Add(segment.Text);
            words += segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (words >= 250)
            {
                yield return string.Join(' ', scene);
                scene.Clear();
                words = 0;
            }
        }
    }

    private static IEnumerable<string> Cycle(List<string> texts)
    {
        while (true)
        {
            foreach (var text in texts)
            {
                yield return text;
            }
        }
    }
}
