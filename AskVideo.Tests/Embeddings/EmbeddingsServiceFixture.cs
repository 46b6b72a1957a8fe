using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AskVideo.Embeddings.Model;
using AskVideo.LocalServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Embeddings;

/// <summary>
/// The real local embeddings service on Kestrel at 127.0.0.1, model loaded once for a test class.
/// </summary>
public sealed class EmbeddingsServiceFixture : IAsyncLifetime
{
    private readonly Factory _factory;

    public EmbeddingsServiceFixture() => _factory = new Factory(LoopbackPort.PickFree(), Requests);

    public string Url => _factory.Url;

    /// <summary>The bodies of the embeddings requests the service received, as sent.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public async ValueTask InitializeAsync()
    {
        _factory.Start();
        Http.BaseAddress = new Uri(Url);
        // Ready once the model is loaded; until then /health says it is loading.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var health = await Http.GetAsync("/health");
            if (health.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The embeddings service did not become healthy: {await health.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }

    /// <summary>POSTs a JSON body to /v1/embeddings.</summary>
    public Task<HttpResponseMessage> PostAsync(object body, CancellationToken cancellationToken) =>
        Http.PostAsJsonAsync("/v1/embeddings", body, cancellationToken);

    /// <summary>The vectors of <paramref name="texts"/>, asked for as floats.</summary>
    public async Task<float[][]> EmbedAsync(string[] texts, CancellationToken cancellationToken, int? dimensions = null)
    {
        using var response = await PostAsync(new { input = texts, dimensions }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. body.RootElement.GetProperty("data").EnumerateArray()
            .Select(item => item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())];
    }

    private sealed class Factory(int port, ConcurrentQueue<string> requests) : WebApplicationFactory<TextEncoder>
    {
        public string Url { get; } = $"http://127.0.0.1:{port}";

        public void Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RecordRequests(requests)));
        }
    }

    /// <summary>Notes each embeddings request's body before the service reads it.</summary>
    private sealed class RecordRequests(ConcurrentQueue<string> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (context.Request.Path.StartsWithSegments("/v1/embeddings") && context.Request.ContentLength is < 1024 * 1024)
                {
                    context.Request.EnableBuffering();
                    requests.Enqueue(await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted));
                    context.Request.Body.Position = 0;
                }
                await proceed(context);
            });
            next(app);
        };
    }
}
