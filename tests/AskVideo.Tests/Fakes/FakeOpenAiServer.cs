using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AskVideo.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible HTTP server on 127.0.0.1 for tests: the product's real OpenAI client code
/// talks to it over real HTTP. Each route group lives in a file of its own (transcriptions today)
/// and keeps what it received, so tests can check what the product sent.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    private readonly WebApplication _app;

    private FakeOpenAiServer(WebApplication app, FakeTranscriptions transcriptions)
    {
        _app = app;
        Transcriptions = transcriptions;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
    }

    /// <summary>The API root, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri BaseUrl { get; }

    public FakeTranscriptions Transcriptions { get; }

    /// <summary>An Aspire-style connection string for this server.</summary>
    public string ConnectionString(string key = ApiKey, string model = "whisper-1") => $"Endpoint={BaseUrl};Key={key};Model={model}";

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // Big enough to see what the product sends; the 25 MB limit is the route's to enforce.
            kestrel.Limits.MaxRequestBodySize = 200 * 1024 * 1024;
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = 200 * 1024 * 1024);

        var app = builder.Build();
        var transcriptions = new FakeTranscriptions();
        var v1 = app.MapGroup("/v1");
        transcriptions.Map(v1);
        await app.StartAsync();
        return new FakeOpenAiServer(app, transcriptions);
    }

    public async ValueTask DisposeAsync()
    {
        Transcriptions.ReleaseHeld();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
