using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AskVideo.Tests.Fakes;

/// <summary>What the fake received in one <c>POST /v1/audio/transcriptions</c>.</summary>
public sealed record TranscriptionRequest(
    string FileName,
    long Bytes,
    string? Model,
    string? ResponseFormat,
    IReadOnlyList<string> TimestampGranularities,
    IReadOnlyDictionary<string, string> Fields,
    string? ApiKey);

/// <summary>A segment of OpenAI's verbose transcription.</summary>
public sealed record FakeSegment(double Start, double End, string Text);

/// <summary>An OpenAI verbose transcription (<c>response_format=verbose_json</c>).</summary>
public sealed record FakeTranscription(string Language, double Duration, IReadOnlyList<FakeSegment> Segments);

/// <summary>Turns the received audio (a file on disk) into the answer.</summary>
public delegate Task<FakeTranscription> FakeTranscriber(TranscriptionRequest request, string audioPath, CancellationToken cancellationToken);

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>: records every request and answers with verbose JSON made by
/// a pluggable <see cref="Answer"/>. Tests can make it fail a number of times, reject the key, or
/// hold requests until released.
/// </summary>
public sealed class FakeTranscriptions
{
    /// <summary>OpenAI's upload limit.</summary>
    public const long MaxFileBytes = 25 * 1024 * 1024;

    private readonly ConcurrentQueue<TranscriptionRequest> _requests = new();
    private readonly Lock _lock = new();
    private int _failuresLeft;
    private int _failureStatus = 500;
    private TaskCompletionSource? _hold;
    private int _inFlight;
    private int _mostInFlight;

    /// <summary>How requests are answered; by default, the time-coded tone reader.</summary>
    public FakeTranscriber Answer { get; set; } = ToneTimeCodes.TranscribeAsync;

    /// <summary>When set, any other key is answered 401 as OpenAI does.</summary>
    public string? RequiredKey { get; set; } = FakeOpenAiServer.ApiKey;

    public IReadOnlyList<TranscriptionRequest> Requests => _requests.ToArray();

    /// <summary>The most requests that were being handled at the same time since the last <see cref="Reset"/>.</summary>
    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    /// <summary>Answers every request with <paramref name="text"/> as one segment over the whole file.</summary>
    public void AnswerWithText(string text, string language = "english") =>
        Answer = (_, path, ct) => FixedTextAsync(text, language, path, ct);

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> (count -1: all of them).</summary>
    public void FailNext(int count, int status = 500)
    {
        lock (_lock)
        {
            _failuresLeft = count;
            _failureStatus = status;
        }
    }

    /// <summary>Requests from now on wait (unanswered) until <see cref="ReleaseHeld"/>.</summary>
    public void HoldRequests()
    {
        lock (_lock)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseHeld()
    {
        TaskCompletionSource? hold;
        lock (_lock)
        {
            hold = _hold;
            _hold = null;
        }
        hold?.TrySetResult();
    }

    /// <summary>Back to answering every request with the tone reader, forgetting what was received.</summary>
    public void Reset()
    {
        ReleaseHeld();
        FailNext(0);
        Answer = ToneTimeCodes.TranscribeAsync;
        RequiredKey = FakeOpenAiServer.ApiKey;
        _requests.Clear();
        Volatile.Write(ref _mostInFlight, 0);
    }

    public async Task WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (_requests.Count < count)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    internal void Map(IEndpointRouteBuilder routes) => routes.MapPost("/audio/transcriptions", HandleAsync).DisableAntiforgery();

    private async Task<IResult> HandleAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int most;
            while (inFlight > (most = Volatile.Read(ref _mostInFlight)) && Interlocked.CompareExchange(ref _mostInFlight, inFlight, most) != most)
            {
            }
            return await AnswerAsync(http, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<IResult> AnswerAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var key = http.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;
        var form = await http.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file");
        var request = new TranscriptionRequest(
            file?.FileName ?? "",
            file?.Length ?? 0,
            form["model"].ToString(),
            form["response_format"].ToString(),
            form["timestamp_granularities[]"].Select(v => v ?? "").ToList(),
            form.Where(f => f.Key != "file").ToDictionary(f => f.Key, f => f.Value.ToString()),
            key);
        _requests.Enqueue(request);

        Task? hold;
        int? failure = null;
        lock (_lock)
        {
            hold = _hold?.Task;
            if (_failuresLeft != 0)
            {
                _failuresLeft--;
                failure = _failureStatus;
            }
        }
        if (hold is not null)
        {
            await hold.WaitAsync(cancellationToken);
        }

        if (RequiredKey is not null && key != RequiredKey)
        {
            return Error(401, "Incorrect API key provided.", "invalid_api_key");
        }
        if (file is null)
        {
            return Error(400, "Missing file.", null);
        }
        if (file.Length > MaxFileBytes)
        {
            return Error(413, $"Maximum content size limit ({MaxFileBytes}) exceeded.", null);
        }
        if (failure is { } status)
        {
            return Error(status, "The server had an error while processing your request.", null);
        }

        var path = Path.Combine(Path.GetTempPath(), $"fake-openai-{Guid.NewGuid():N}{Path.GetExtension(file.FileName)}");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }
            return Verbose(await Answer(request, path, cancellationToken));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IResult Verbose(FakeTranscription transcription) => Results.Json(new
    {
        task = "transcribe",
        language = transcription.Language,
        duration = transcription.Duration,
        text = string.Join(' ', transcription.Segments.Select(s => s.Text)),
        segments = transcription.Segments.Select((s, i) => new
        {
            id = i,
            seek = (int)(s.Start * 100),
            start = s.Start,
            end = s.End,
            text = " " + s.Text,
            tokens = new[] { 50364, 1000 + i, 50464 },
            temperature = 0.0,
            avg_logprob = -0.2,
            compression_ratio = 1.1,
            no_speech_prob = 0.01,
        }),
    });

    private static IResult Error(int status, string message, string? code) => Results.Json(new
    {
        error = new { message, type = "invalid_request_error", param = (string?)null, code },
    }, statusCode: status);

    private static async Task<FakeTranscription> FixedTextAsync(string text, string language, string path, CancellationToken cancellationToken)
    {
        var seconds = (await Pcm.DecodeAsync(path, cancellationToken)).Length / (double)Pcm.SampleRate;
        return new FakeTranscription(language, seconds, [new FakeSegment(0, Math.Round(seconds, 2), text)]);
    }
}
