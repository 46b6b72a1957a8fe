using System.Diagnostics;
using AskVideo.Core.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pgvector;

namespace AskVideo.Core.AI;

/// <summary>
/// Turns passages and questions into the vectors stored in <see cref="Scene.Embedding"/>, through
/// the configured <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>. Without an
/// <c>embeddings</c> connection it is disabled and retrieval is full-text only.
/// </summary>
public sealed class SceneEmbedder(IServiceProvider services, IOptions<EmbeddingOptions> options)
{
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator =
        services.GetService<IEmbeddingGenerator<string, Embedding<float>>>();

    public bool IsEnabled => _generator is not null;

    /// <summary>The model that makes the vectors; scenes embedded by another model are embedded again.</summary>
    public string? Model => _generator?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;

    /// <summary>
    /// Whether the model's vectors of <paramref name="text"/> mean something: always for a
    /// multilingual model, else not for Chinese, Japanese or Korean (<see cref="EmbeddingOptions.Multilingual"/>).
    /// </summary>
    public bool Reads(string text) => IsEnabled && (options.Value.Multilingual || !SearchText.HasCjk(text));

    public async Task<Vector> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await EmbedAsync([text], cancellationToken))[0];

    /// <summary>One vector per text, in order, asked for in batches, padded to <see cref="Scene.EmbeddingDimensions"/>.</summary>
    public async Task<IReadOnlyList<Vector>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        [.. (await EmbedNativeAsync(texts, cancellationToken)).Select(v => Fit(v.Span))];

    /// <summary>One vector per text, in order, asked for in batches, as wide as the model makes them.</summary>
    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedNativeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var generator = _generator ?? throw new InvalidOperationException("No embedding model is configured (ConnectionStrings:embeddings).");
        var settings = options.Value;
        using var activity = Telemetry.Source.StartActivity("embed");
        activity?.SetTag("askvideo.embed.texts", texts.Count);
        var request = new EmbeddingGenerationOptions { Dimensions = settings.Dimensions > 0 ? settings.Dimensions : null };
        var vectors = new List<ReadOnlyMemory<float>>(texts.Count);
        foreach (var batch in texts.Chunk(settings.BatchSize))
        {
            // A blank input is refused by the service; it embeds like a lone space.
            var inputs = batch.Select(t => string.IsNullOrWhiteSpace(t) ? " " : t);
            var embeddings = await generator.GenerateAsync(inputs, request, cancellationToken);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException(
                    $"The embedding model returned {embeddings.Count} vectors for {batch.Length} texts.");
            }
            foreach (var embedding in embeddings)
            {
                if (embedding.Vector.Length > Scene.EmbeddingDimensions)
                {
                    throw new InvalidOperationException(
                        $"The embedding model returned {embedding.Vector.Length} dimensions; at most {Scene.EmbeddingDimensions} can be stored. "
                        + $"Ask it for fewer with {EmbeddingOptions.Section}:Dimensions, or choose another model.");
                }
                vectors.Add(embedding.Vector);
            }
        }
        return vectors;
    }

    /// <summary>Pads a narrower vector with zeros, which changes no cosine similarity.</summary>
    public static Vector Fit(ReadOnlySpan<float> vector)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vector.Length, Scene.EmbeddingDimensions);
        var stored = new float[Scene.EmbeddingDimensions];
        vector.CopyTo(stored);
        return new Vector(stored);
    }
}
