using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AskVideo.LocalServers;
using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

internal static class Dashboard
{
    /// <summary>
    /// The dashboard, its OTLP receiver and the resource service on 127.0.0.1: ports 18888 and 18889
    /// when free (any free port otherwise, so that two AppHosts can run side by side). Values set in
    /// the environment (<c>ASPNETCORE_URLS</c>, <c>ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL</c>, ...) win.
    /// </summary>
    public static void UseLoopbackDashboard(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }
        var defaults = new Dictionary<string, string?>();
        AddIfMissing("ASPNETCORE_URLS", 18888);
        AddIfMissing("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", 18889);
        AddIfMissing("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", null);
        builder.Configuration.AddInMemoryCollection(defaults);

        void AddIfMissing(string key, int? preferredPort)
        {
            if (builder.Configuration[key] is { Length: > 0 })
            {
                return;
            }
            var port = preferredPort is { } preferred && LoopbackPort.IsFree(preferred) ? preferred : LoopbackPort.PickFree();
            defaults[key] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>
    /// Once web app, Api and Worker all report healthy, prints where everything is (the web app first: the place to start), and for a local server the
    /// database's connection string (no password: it trusts 127.0.0.1), for psql and the benchmarks.
    /// </summary>
    public static void PrintUrlsWhenReady(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> web, IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> worker,
        DataServers servers, IResourceBuilder<ProjectResource>? localEmbeddings)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }
        var waiting = 3;
        web.OnResourceReady(OnReady);
        api.OnResourceReady(OnReady);
        worker.OnResourceReady(OnReady);

        async Task OnReady(ProjectResource resource, ResourceReadyEvent @event, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref waiting) == 0)
            {
                var database = servers.Database.Resource is LocalPostgresDatabaseResource local
                    ? await ((IResourceWithConnectionString)local).GetConnectionStringAsync(cancellationToken)
                    : null;
                Print(builder.Configuration, Url(web), Url(api), Url(worker), database, localEmbeddings is null ? null : Url(localEmbeddings));
            }
        }
    }

    private static string Url(IResourceBuilder<ProjectResource> service) =>
        $"http://127.0.0.1:{service.GetEndpoint("http").Port.ToString(CultureInfo.InvariantCulture)}";

    private static void Print(IConfiguration configuration, string web, string api, string worker, string? database, string? embeddings)
    {
        var dashboard = (configuration["ASPNETCORE_URLS"] ?? "").Split(';')[0].TrimEnd('/');
        var login = configuration["AppHost:BrowserToken"] is { Length: > 0 } token ? $"{dashboard}/login?t={token}" : dashboard;
        Console.Out.WriteLine($"""

            AskVideo is running. Start here:
              Web app:        {web}
              API:            {api}
              API reference:  {api}/scalar/v1
              OpenAPI:        {api}/openapi/v1.json
              Worker health:  {worker}/health{(embeddings is null ? "" : $"{Environment.NewLine}  Embeddings:     {embeddings}/v1 (local, {ServiceSetup.LocalEmbeddingModel})")}
              Dashboard:      {login}{(database is null ? "" : $"{Environment.NewLine}  PostgreSQL:     {database}")}
            Press Ctrl+C to stop.

            """);
    }
}
