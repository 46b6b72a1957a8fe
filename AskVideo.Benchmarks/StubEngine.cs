using System.Net;

namespace AskVideo.Benchmarks;

/// <summary>
/// A zero-latency OpenAI-compatible transcription endpoint on loopback, so that the pipeline's own
/// overhead can be measured without an engine's time in it.
/// </summary>
internal sealed class StubEngine : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubEngine(WebApplication app) => _app = app;

    public string ConnectionString { get; private set; } = "";

    public static async Task<StubEngine> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.MapPost("/v1/audio/transcriptions", async (HttpRequest request) =>
        {
            // Read (and drop) the upload as a real service would.
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Text(
                """{"task":"transcribe","language":"english","duration":1.0,"text":"hello","segments":[{"id":0,"seek":0,"start":0.0,"end":1.0,"text":"hello","tokens":[1],"temperature":0.0,"avg_logprob":-0.1,"compression_ratio":1.0,"no_speech_prob":0.0}]}""",
                "application/json");
        });
        await app.StartAsync();
        var address = app.Urls.First();
        return new StubEngine(app) { ConnectionString = $"Endpoint={address}/v1;Key=bench;Model=whisper-1" };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
