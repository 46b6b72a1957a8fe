using AskVideo.Benchmarks;

// Usage: dotnet AskVideo.Benchmarks.dll [upload] [queue] [pipeline] [media] [retrieval] [first-token]   (default: all)
// Run through bench/run.sh, which builds everything in Release first.
var root = Repository.Root();
var scenarios = args.Length > 0 ? args : ["upload", "queue", "pipeline", "media", "retrieval", "first-token"];
var media = new BenchMedia(Path.Combine(root, ".test-data", "bench-media"));

foreach (var scenario in scenarios)
{
    Console.WriteLine($"== {scenario}");
    switch (scenario)
    {
        case "upload":
            await UploadBenchmark.RunAsync(root, media);
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
        default:
            Console.Error.WriteLine($"unknown scenario {scenario}: use upload, queue, pipeline, media, retrieval or first-token");
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
