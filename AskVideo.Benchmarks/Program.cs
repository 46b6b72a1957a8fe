using AskVideo.Benchmarks;
using AskVideo.Benchmarks.Quality;

// Usage: dotnet AskVideo.Benchmarks.dll [upload] [web-upload] [queue] [pipeline] [media] [retrieval] [first-token] [local-embeddings]
//        [faults [--duration SECONDS] [--only R1,R2,R3,R6]] [long-recording [--latency SECONDS] [--parallel N,M]]
//        [detail [--seconds N]]
//        [quality [--embeddings none|hashing|local] [--scene-tokens N] [--dump FILE] [--evidence FILE]]   (default: all but quality)
// Run through bench/run.sh, which builds everything in Release first.
var root = Repository.Root();
var scenarios = args.Length > 0 ? args : ["upload", "web-upload", "queue", "pipeline", "media", "retrieval", "first-token", "local-embeddings"];
var media = new BenchMedia(Path.Combine(root, ".test-data", "bench-media"));

for (var i = 0; i < scenarios.Length; i++)
{
    var scenario = scenarios[i];
    // A scenario's options are the arguments after it that start with "--", with their values.
    var options = new List<string>();
    while (i + 1 < scenarios.Length && (scenarios[i + 1].StartsWith("--", StringComparison.Ordinal)
        || (options.Count > 0 && options[^1] is "--scene-tokens" or "--dump" or "--evidence" or "--duration" or "--only"
            or "--latency" or "--parallel" or "--seconds" or "--embeddings")))
    {
        options.Add(scenarios[++i]);
    }
    Console.WriteLine($"== {string.Join(' ', [scenario, .. options])}");
    switch (scenario)
    {
        case "upload":
            await UploadBenchmark.RunAsync(root, media);
            break;
        case "web-upload":
            await WebUploadBenchmark.RunAsync(root, media);
            break;
        case "queue":
            await QueueBenchmark.RunAsync(root, media);
            break;
        case "pipeline":
            await PipelineBenchmark.RunAsync(root, media);
            break;
        case "media":
            await MediaBenchmark.RunAsync(root, media);
            break;
        case "retrieval":
            await RetrievalBenchmark.RunAsync(root);
            break;
        case "first-token":
            await FirstTokenBenchmark.RunAsync(root);
            break;
        case "faults":
            await AskVideo.Benchmarks.Faults.FaultCampaign.RunAsync(root, media, options);
            break;
        case "long-recording":
            await LongRecordingBenchmark.RunAsync(root, media, options);
            break;
        case "detail":
            await DetailBenchmark.RunAsync(root, options);
            break;
        case "local-embeddings":
            await LocalEmbeddingsBenchmark.RunAsync(root);
            break;
        case "quality":
            await QualityBenchmark.RunAsync(root, options);
            break;
        default:
            Console.Error.WriteLine($"unknown scenario {scenario}: use upload, web-upload, queue, pipeline, media, retrieval, first-token, local-embeddings, faults, long-recording, detail or quality");
            return 2;
    }
}
return 0;

internal static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AskVideo.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("AskVideo.sln not found above the benchmark binaries.");
    }
}
