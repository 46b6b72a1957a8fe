using AskVideo.Core.AI;
using AskVideo.Core.Data;
using AskVideo.Core.Search;

namespace AskVideo.Benchmarks;

/// <summary>
/// The product's retrieval wired as the Api wires it (AddAppDatabase's data source and DbContext,
/// AddEmbeddings' SceneEmbedder, a scoped SceneSearch), for timing in-process.
/// </summary>
internal static class RetrievalServices
{
    public static ServiceProvider Build(string postgres, string embeddings, QueryPlans? plans = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:askvideo"] = postgres,
            ["ConnectionStrings:embeddings"] = embeddings,
        });
        builder.AddAppDatabase();
        var services = builder.Services;
        if (plans is not null)
        {
            services.ConfigureDbContext<AppDbContext>(options => options.AddInterceptors(plans));
        }
        services.AddEmbeddings(builder.Configuration);
        services.AddSceneSearch();
        return services.BuildServiceProvider();
    }

    public static async Task<IReadOnlyList<Passage>> SearchAsync(
        IServiceProvider provider, int groupId, string question, int topK, SearchMethod method = SearchMethod.Hybrid)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SceneSearch>().SearchAsync(groupId, question, topK, CancellationToken.None, method);
    }

    /// <summary>The 1-, 5- and 15-minute load averages, to read latency figures against.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
