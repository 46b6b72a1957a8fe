using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace AskVideo.Benchmarks;

/// <summary>
/// An OpenAI-compatible model on loopback: <c>/v1/embeddings</c> answers <see cref="HashedEmbedding"/>
/// vectors (base64 when asked, as the OpenAI SDK does), <c>/v1/chat/completions</c> streams a short
/// answer after <see cref="FirstTokenDelay"/>. It notes, on the process's Stopwatch clock, when each
/// chat request arrived and when its first content chunk was flushed, so a caller in the same
/// process can subtract the model's own time from what it measured.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    public const string EmbeddingModel = "bench-hashed-1536";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<double> _embeddingMilliseconds = new();

    private FakeModelServer(WebApplication app) => _app = app;

    private string BaseUrl { get; set; } = "";
    public string EmbeddingsConnectionString => $"Endpoint={BaseUrl}/v1;Key=bench;Model={EmbeddingModel}";
    public string ChatConnectionString => $"Endpoint={BaseUrl}/v1;Key=bench;Model=bench-chat";

    /// <summary>Wait before the first content chunk of a streamed answer: the model's "thinking" time D.</summary>
    public TimeSpan FirstTokenDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Stopwatch timestamps of the latest chat request: handler entered, first content chunk flushed.</summary>
    public (long Received, long FirstChunk) LastChat { get; private set; }

    /// <summary>How long the server spent on each embeddings request (parse, hash, answer), in ms.</summary>
    public IReadOnlyCollection<double> EmbeddingMilliseconds => _embeddingMilliseconds;

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/embeddings", server.EmbeddingsAsync);
        app.MapPost("/v1/chat/completions", server.ChatAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    private async Task EmbeddingsAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var input = body.RootElement.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(e => e.GetString()!).ToList() : [input.GetString()!];
        var base64 = body.RootElement.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
        var data = texts.Select((text, index) =>
        {
            var vector = HashedEmbedding.Vector(text);
            object embedding = base64 ? Base64(vector) : vector;
            return new { @object = "embedding", index, embedding };
        }).ToList();
        await http.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data,
            model = EmbeddingModel,
            usage = new { prompt_tokens = texts.Count, total_tokens = texts.Count },
        });
        _embeddingMilliseconds.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task ChatAsync(HttpContext http)
    {
        var received = Stopwatch.GetTimestamp();
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        string[] pieces = ["According to the videos, ", "the answer is in ", "the first passage [1]."];
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!stream)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                id,
                @object = "chat.completion",
                created,
                model = "bench-chat",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(pieces) }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 100, completion_tokens = 12, total_tokens = 112 },
            });
            return;
        }

        http.Response.ContentType = "text/event-stream";
        async Task SendAsync(object chunk)
        {
            await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", Encoding.UTF8, http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }
        object Delta(object delta, string? finish) => new
        {
            id,
            @object = "chat.completion.chunk",
            created,
            model = "bench-chat",
            choices = new[] { new { index = 0, delta, finish_reason = finish } },
        };

        await SendAsync(Delta(new { role = "assistant", content = "" }, null));
        await Task.Delay(FirstTokenDelay, http.RequestAborted);
        await SendAsync(Delta(new { content = pieces[0] }, null));
        LastChat = (received, Stopwatch.GetTimestamp());
        foreach (var piece in pieces.Skip(1))
        {
            await SendAsync(Delta(new { content = piece }, null));
        }
        await SendAsync(Delta(new { }, "stop"));
        // The SDK asks for stream_options.include_usage: usage comes last, with no choices.
        await SendAsync(new
        {
            id,
            @object = "chat.completion.chunk",
            created,
            model = "bench-chat",
            choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 100, completion_tokens = 12, total_tokens = 112 },
        });
        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
    }

    /// <summary>OpenAI's base64 embedding: the float32 values as little-endian bytes.</summary>
    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }
        return Convert.ToBase64String(bytes);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
