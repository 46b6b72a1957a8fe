using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AskVideo.Tests.Fakes;

/// <summary>One message of a chat request, its content flattened to text.</summary>
public sealed record RecordedChatMessage(string Role, string Content);

/// <summary>What the fake received in one <c>POST /v1/chat/completions</c>.</summary>
public sealed record RecordedChatRequest(
    string? Model,
    IReadOnlyList<RecordedChatMessage> Messages,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    double? Temperature,
    string? ApiKey)
{
    /// <summary>The system (or developer) messages, one per line.</summary>
    public string SystemPrompt => string.Join('\n', Messages.Where(m => m.Role is "system" or "developer").Select(m => m.Content));

    /// <summary>The question being asked: the last user message, or "" when there is none.</summary>
    public string LastUserMessage => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
}

/// <summary>
/// <c>POST /v1/chat/completions</c>, plain and streamed: records every request and answers with the
/// text of a pluggable <see cref="Responder"/>, by default a deterministic "grounded" answer that
/// quotes and cites the best-matching numbered passage of the system prompt.
/// </summary>
public sealed partial class FakeChatCompletions
{
    public const string NoPassageAnswer = "The passages do not cover this question.";

    private readonly ConcurrentQueue<RecordedChatRequest> _requests = new();
    private readonly InjectedFailures _failures = new();

    /// <summary>Makes the reply text; by default <see cref="DefaultResponse"/>.</summary>
    public Func<RecordedChatRequest, string> Responder { get; set; } = DefaultResponse;

    /// <summary>Streaming only: the wait before the first content chunk.</summary>
    public TimeSpan FirstTokenDelay { get; set; }

    /// <summary>Streaming only: the wait between content chunks.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>When set, any other key is answered 401 as OpenAI does.</summary>
    public string? RequiredKey { get; set; } = FakeOpenAiServer.ApiKey;

    public IReadOnlyList<RecordedChatRequest> Requests => _requests.ToArray();

    /// <summary>The requests any message of which contains <paramref name="text"/> (case-insensitive).</summary>
    public IReadOnlyList<RecordedChatRequest> RequestsMentioning(string text) =>
        Requests.Where(r => r.Messages.Any(m => m.Content.Contains(text, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>The next <paramref name="times"/> requests get <paramref name="statusCode"/> (times -1: all of them).</summary>
    public void FailNext(int statusCode, int times = 1) => _failures.FailNext(statusCode, times);

    /// <summary>Back to the default responder with no delays or failures, forgetting what was received.</summary>
    public void Reset()
    {
        FailNext(500, 0);
        Responder = DefaultResponse;
        FirstTokenDelay = TimeSpan.Zero;
        ChunkDelay = TimeSpan.Zero;
        RequiredKey = FakeOpenAiServer.ApiKey;
        _requests.Clear();
    }

    /// <summary>
    /// A follow-up rewrite request (last user message starts with "Rewrite", or the system prompt asks
    /// for a "standalone search query") gets the last line of the last user message back unchanged.
    /// Otherwise, of the system prompt's numbered moments (<c>[n] (mm:ss–mm:ss) text</c> lines), the one sharing the most words (3+
    /// letters or digits, lowercased) with the question wins, lowest n on ties, and is quoted and cited.
    /// </summary>
    public static string DefaultResponse(RecordedChatRequest request)
    {
        var question = request.LastUserMessage;
        var system = request.SystemPrompt;
        if (question.TrimStart().StartsWith("Rewrite", StringComparison.OrdinalIgnoreCase)
            || system.Contains("standalone search query", StringComparison.OrdinalIgnoreCase))
        {
            return question.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        }

        var passages = PassageLine().Matches(system).Select(m => (N: int.Parse(m.Groups[1].Value), Text: m.Groups[2].Value.Trim())).OrderBy(p => p.N).ToList();
        if (passages.Count == 0)
        {
            return NoPassageAnswer;
        }
        var asked = Words(question);
        var best = passages.MaxBy(p => Words(p.Text).Count(asked.Contains));
        var quote = string.Join(' ', best.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(12));
        return $"According to the videos, {quote} [{best.N}].";
    }

    internal void Map(IEndpointRouteBuilder routes) => routes.MapPost("/chat/completions", HandleAsync);

    private async Task<IResult> HandleAsync(HttpRequest http, HttpResponse response, CancellationToken cancellationToken)
    {
        RecordedChatRequest request;
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Body, cancellationToken: cancellationToken);
            request = Parse(body.RootElement, OpenAiWire.BearerKey(http));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return OpenAiWire.Error(400, $"We could not parse the JSON body of your request: {e.Message}", null);
        }
        _requests.Enqueue(request);

        if (RequiredKey is not null && request.ApiKey != RequiredKey)
        {
            return OpenAiWire.Error(401, "Incorrect API key provided.", "invalid_api_key");
        }
        if (_failures.Take() is { } status)
        {
            return OpenAiWire.Error(status, "The server had an error while processing your request.", null);
        }

        var reply = Responder(request);
        var usage = Usage(request, reply);
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var model = request.Model ?? "fake-chat";
        if (!request.Stream)
        {
            return Results.Json(new
            {
                id,
                @object = "chat.completion",
                created,
                model,
                choices = new[]
                {
                    new { index = 0, message = new { role = "assistant", content = reply, refusal = (string?)null }, logprobs = (object?)null, finish_reason = "stop" },
                },
                usage,
            });
        }

        try
        {
            await StreamAsync(response, request, reply, usage, id, created, model, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away mid-stream; nothing left to answer.
        }
        return Results.Empty;
    }

    private async Task StreamAsync(HttpResponse response, RecordedChatRequest request, string reply, object usage, string id, long created, string model, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";

        async Task SendAsync(object? delta, string? finishReason, bool withUsage = false)
        {
            object chunk = withUsage
                ? new { id, @object = "chat.completion.chunk", created, model, choices = Array.Empty<object>(), usage }
                : new { id, @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finishReason } } };
            await OpenAiWire.WriteEventAsync(response, JsonSerializer.Serialize(chunk), cancellationToken);
        }

        await SendAsync(new { role = "assistant" }, null);
        var pieces = Pieces(reply);
        for (var i = 0; i < pieces.Count; i++)
        {
            var delay = i == 0 ? FirstTokenDelay : ChunkDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }
            await SendAsync(new { content = pieces[i] }, null);
        }
        await SendAsync(new { }, "stop");
        if (request.IncludeUsage)
        {
            await SendAsync(null, null, withUsage: true);
        }
        await OpenAiWire.WriteEventAsync(response, "[DONE]", cancellationToken);
    }

    /// <summary>
    /// Cuts the reply, whitespace and all, into pieces of about three words, and into at least three
    /// pieces when it has three words or more, so that streaming is visible.
    /// </summary>
    internal static IReadOnlyList<string> Pieces(string reply)
    {
        var starts = WordStart().Matches(reply).Select(m => m.Index).ToList();
        if (starts.Count == 0)
        {
            return reply.Length == 0 ? [] : [reply];
        }
        var size = Math.Clamp(starts.Count / 3, 1, 3);
        var cuts = starts.Where((_, i) => i > 0 && i % size == 0).Prepend(0).Append(reply.Length).ToList();
        return cuts.Zip(cuts.Skip(1), (from, to) => reply[from..to]).ToList();
    }

    private static RecordedChatRequest Parse(JsonElement body, string? apiKey)
    {
        var messages = body.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(m => new RecordedChatMessage(OpenAiWire.String(m, "role") ?? "", Content(m))).ToList()
            : [];
        var streamOptions = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object ? so : default;
        return new RecordedChatRequest(
            OpenAiWire.String(body, "model"),
            messages,
            body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            streamOptions.ValueKind == JsonValueKind.Object && streamOptions.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True,
            OpenAiWire.Int(body, "max_completion_tokens") ?? OpenAiWire.Int(body, "max_tokens"),
            body.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null,
            apiKey);
    }

    /// <summary>Content is a string or an array of parts, of which only text parts matter here.</summary>
    private static string Content(JsonElement message) =>
        !message.TryGetProperty("content", out var content) ? ""
        : content.ValueKind == JsonValueKind.String ? content.GetString()!
        : content.ValueKind == JsonValueKind.Array ? string.Join('\n', content.EnumerateArray().Where(p => OpenAiWire.String(p, "type") == "text").Select(p => OpenAiWire.String(p, "text")))
        : "";

    private static object Usage(RecordedChatRequest request, string reply)
    {
        var prompt = request.Messages.Sum(m => WordCount(m.Content));
        var completion = WordCount(reply);
        return new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };
    }

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static HashSet<string> Words(string text) =>
        Token().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 3).ToHashSet();

    [GeneratedRegex(@"^[ \t]*\[(\d+)\][ \t]*(?:\([\d:–-]+\)[ \t]*)?(.*)$", RegexOptions.Multiline)]
    private static partial Regex PassageLine();

    [GeneratedRegex(@"[\p{L}\p{Nd}]+")]
    private static partial Regex Token();

    [GeneratedRegex(@"(?<!\S)\S")]
    private static partial Regex WordStart();
}
