using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AskVideo.Tests.Fakes;

/// <summary>What the fake received in one <c>POST /v1/embeddings</c>.</summary>
public sealed record RecordedEmbeddingRequest(
    string? Model,
    IReadOnlyList<string> Inputs,
    int? Dimensions,
    string? EncodingFormat,
    string? ApiKey);

/// <summary>
/// <c>POST /v1/embeddings</c>: records every request and answers with deterministic feature-hashed
/// vectors (<see cref="Vector"/>), so that texts sharing words, or CJK character pairs, are close.
/// </summary>
public sealed class FakeEmbeddings
{
    private readonly ConcurrentQueue<RecordedEmbeddingRequest> _requests = new();
    private readonly InjectedFailures _failures = new();
    private readonly ConcurrentDictionary<string, string> _meanings = new(StringComparer.Ordinal);

    /// <summary>The size of vectors when the request names no <c>dimensions</c>.</summary>
    public int DefaultDimensions { get; set; } = 1536;

    /// <summary>When set, every vector has this size whatever the request asks, like a model without <c>dimensions</c> support.</summary>
    public int? ForcedDimensions { get; set; }

    /// <summary>When set, any other key is answered 401 as OpenAI does.</summary>
    public string? RequiredKey { get; set; } = FakeOpenAiServer.ApiKey;

    public IReadOnlyList<RecordedEmbeddingRequest> Requests => _requests.ToArray();

    /// <summary>When set, a request with a longer input is refused with 400, as a model's context limit does.</summary>
    public int? MaxInputChars { get; set; }

    /// <summary>When set, awaited before each request is answered: lets a test hold one caller mid-request.</summary>
    public Func<RecordedEmbeddingRequest, Task>? BeforeAnswer { get; set; }

    /// <summary>The next <paramref name="times"/> requests get <paramref name="statusCode"/> (times -1: all of them).</summary>
    public void FailNext(int statusCode, int times = 1) => _failures.FailNext(statusCode, times);

    /// <summary>
    /// From now on the fake reads <paramref name="word"/> as <paramref name="meaning"/>, as a real
    /// model places a word near the one it means: texts saying either are equally close.
    /// </summary>
    public void ReadAs(string word, string meaning) => _meanings[Stem(word.ToLowerInvariant())] = Stem(meaning.ToLowerInvariant());

    /// <summary>Back to 1536 honoured dimensions with no failures and no meanings, forgetting what was received.</summary>
    public void Reset()
    {
        _meanings.Clear();
        FailNext(500, 0);
        DefaultDimensions = 1536;
        ForcedDimensions = null;
        MaxInputChars = null;
        BeforeAnswer = null;
        RequiredKey = FakeOpenAiServer.ApiKey;
        _requests.Clear();
    }

    /// <summary>
    /// The unit vector the server answers for <paramref name="text"/>: each token adds ±1 at a hashed
    /// index (sign from another bit of the same stable hash), then the sum is L2-normalised. A text
    /// without tokens gets e0.
    /// </summary>
    public static float[] Vector(string text, int dimensions) => Vector(text, dimensions, null);

    private static float[] Vector(string text, int dimensions, IReadOnlyDictionary<string, string>? meanings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var vector = new float[dimensions];
        Span<byte> utf8 = stackalloc byte[256];
        foreach (var read in Tokens(text))
        {
            var token = meanings?.GetValueOrDefault(read) ?? read;
            var bytes = Encoding.UTF8.GetByteCount(token) <= utf8.Length ? utf8[..Encoding.UTF8.GetBytes(token, utf8)] : Encoding.UTF8.GetBytes(token);
            var hash = XxHash64.HashToUInt64(bytes);
            vector[(int)((uint)hash % (uint)dimensions)] += (hash >> 63) == 0 ? 1 : -1;
        }
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm == 0)
        {
            vector[0] = 1;
            return vector;
        }
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }
        return vector;
    }

    /// <summary>
    /// Lowercase words of letters and digits, crudely stemmed; runs of Han, kana or Hangul, which
    /// have no spaces between words, become overlapping character pairs instead.
    /// </summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        var cjk = new List<string>();
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                if (word.Length > 0)
                {
                    yield return Stem(word.ToString());
                    word.Clear();
                }
                cjk.Add(rune.ToString());
                continue;
            }
            foreach (var pair in Bigrams(cjk))
            {
                yield return pair;
            }
            cjk.Clear();
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (word.Length > 0)
            {
                yield return Stem(word.ToString());
                word.Clear();
            }
        }
        foreach (var pair in Bigrams(cjk))
        {
            yield return pair;
        }
        if (word.Length > 0)
        {
            yield return Stem(word.ToString());
        }
    }

    internal void Map(IEndpointRouteBuilder routes) => routes.MapPost("/embeddings", HandleAsync);

    private async Task<IResult> HandleAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        RecordedEmbeddingRequest request;
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
        if (BeforeAnswer is { } wait)
        {
            await wait(request);
        }

        if (RequiredKey is not null && request.ApiKey != RequiredKey)
        {
            return OpenAiWire.Error(401, "Incorrect API key provided.", "invalid_api_key");
        }
        if (_failures.Take() is { } status)
        {
            return OpenAiWire.Error(status, "The server had an error while processing your request.", null);
        }
        if (request.Inputs.Count == 0 || request.Inputs.Any(i => i.Length == 0))
        {
            return OpenAiWire.Error(400, "'$.input' is invalid: it must be a non-empty string or array of non-empty strings.", null);
        }
        if (MaxInputChars is { } max && request.Inputs.Any(i => i.Length > max))
        {
            return OpenAiWire.Error(400, "This model's maximum context length was exceeded.", "context_length_exceeded");
        }

        var dimensions = ForcedDimensions ?? request.Dimensions ?? DefaultDimensions;
        var base64 = request.EncodingFormat == "base64";
        var tokens = request.Inputs.Sum(i => Tokens(i).Count());
        return Results.Json(new
        {
            @object = "list",
            data = request.Inputs.Select((input, index) =>
            {
                var vector = Vector(input, dimensions, _meanings);
                return new { @object = "embedding", index, embedding = base64 ? (object)Base64(vector) : vector };
            }),
            model = request.Model ?? "fake-embedding",
            usage = new { prompt_tokens = tokens, total_tokens = tokens },
        });
    }

    private static RecordedEmbeddingRequest Parse(JsonElement body, string? apiKey)
    {
        var input = body.TryGetProperty("input", out var i) ? i : default;
        IReadOnlyList<string> inputs = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            // Token arrays are legal on the wire; their raw JSON stands in for text here.
            JsonValueKind.Array => input.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList(),
            _ => [],
        };
        return new RecordedEmbeddingRequest(OpenAiWire.String(body, "model"), inputs, OpenAiWire.Int(body, "dimensions"), OpenAiWire.String(body, "encoding_format"), apiKey);
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

    private static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3)
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }

    private static IEnumerable<string> Bigrams(List<string> run) =>
        run.Count == 1 ? [run[0]] : run.Zip(run.Skip(1), (a, b) => a + b).ToList();

    private static bool IsCjk(Rune rune) => Rune.IsLetter(rune) && rune.Value switch
    {
        >= 0x1100 and <= 0x11FF => true,   // Hangul Jamo
        >= 0x3040 and <= 0x30FF => true,   // Hiragana, Katakana
        >= 0x3130 and <= 0x318F => true,   // Hangul compatibility Jamo
        >= 0x31F0 and <= 0x31FF => true,   // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true,   // Han extension A
        >= 0x4E00 and <= 0x9FFF => true,   // Han
        >= 0xAC00 and <= 0xD7AF => true,   // Hangul syllables
        >= 0xF900 and <= 0xFAFF => true,   // Han compatibility
        >= 0x20000 and <= 0x3FFFF => true, // Han extensions B and beyond
        _ => false,
    };
}
