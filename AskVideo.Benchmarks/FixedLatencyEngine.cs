using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace AskVideo.Benchmarks;

/// <summary>One transcription request as the engine saw it, on the process's Stopwatch clock.</summary>
internal sealed record EngineRequest(long Received, long Answered, long Bytes);

/// <summary>
/// An OpenAI-compatible transcription model on loopback that takes <see cref="Latency"/> per
/// request, whatever the audio, as a hosted model roughly does for pieces of equal length. It answers
/// <see cref="SegmentsPerPiece"/> timed segments about one topic, so that chat has words to find,
/// and keeps every request's arrival and answer times.
/// </summary>
internal sealed class FixedLatencyEngine : IAsyncDisposable
{
    public const int SegmentsPerPiece = 3;

    private const string Answer =
        """{"task":"transcribe","language":"english","duration":3.0,"text":"Gradient descent walks downhill. The learning rate sets the step. A smaller step converges slowly.","segments":[""" +
        """{"id":0,"seek":0,"start":0.0,"end":1.0,"text":"Gradient descent walks downhill.","tokens":[1],"temperature":0.0,"avg_logprob":-0.1,"compression_ratio":1.0,"no_speech_prob":0.0},""" +
        """{"id":1,"seek":0,"start":1.0,"end":2.0,"text":"The learning rate sets the step.","tokens":[1],"temperature":0.0,"avg_logprob":-0.1,"compression_ratio":1.0,"no_speech_prob":0.0},""" +
        """{"id":2,"seek":0,"start":2.0,"end":3.0,"text":"A smaller step converges slowly.","tokens":[1],"temperature":0.0,"avg_logprob":-0.1,"compression_ratio":1.0,"no_speech_prob":0.0}]}""";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<EngineRequest> _requests = new();
    private int _inFlight;

    private FixedLatencyEngine(WebApplication app, TimeSpan latency)
    {
        _app = app;
        Latency = latency;
    }

    public TimeSpan Latency { get; set; }
    public string ConnectionString { get; private set; } = "";
    public IReadOnlyCollection<EngineRequest> Requests => _requests;

    /// <summary>Requests that arrived and are not answered yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public static async Task<FixedLatencyEngine> StartAsync(TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var engine = new FixedLatencyEngine(app, latency);
        app.MapPost("/v1/audio/transcriptions", engine.TranscribeAsync);
        await app.StartAsync();
        engine.ConnectionString = $"Endpoint={app.Urls.First()}/v1;Key=bench;Model=whisper-1";
        return engine;
    }

    private async Task<IResult> TranscribeAsync(HttpRequest request)
    {
        var received = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            // Read the upload as a real service would, then take the model's time.
            var counter = new CountingStream();
            await request.Body.CopyToAsync(counter, request.HttpContext.RequestAborted);
            var remaining = Latency - Stopwatch.GetElapsedTime(received);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, request.HttpContext.RequestAborted);
            }
            _requests.Enqueue(new EngineRequest(received, Stopwatch.GetTimestamp(), counter.Length));
            return Results.Text(Answer, "application/json");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
