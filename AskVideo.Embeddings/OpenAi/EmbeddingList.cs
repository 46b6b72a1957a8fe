using System.Runtime.InteropServices;

namespace AskVideo.Embeddings.OpenAi;

/// <summary>The answer of <c>POST /v1/embeddings</c>, shaped as OpenAI's.</summary>
public sealed record EmbeddingList(IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage)
{
    public string Object => "list";

    /// <summary>
    /// Each vector widened to <paramref name="dimensions"/> with zeros (unit length and every cosine
    /// stay as they were), as numbers or as base64 of little-endian 32-bit floats.
    /// </summary>
    public static EmbeddingList From(float[][] vectors, int tokens, string model, int dimensions, bool base64)
    {
        var data = new EmbeddingItem[vectors.Length];
        for (var index = 0; index < vectors.Length; index++)
        {
            var vector = vectors[index];
            if (vector.Length < dimensions)
            {
                Array.Resize(ref vector, dimensions);
            }
            object embedding = base64 ? ToBase64(vector) : vector;
            data[index] = new EmbeddingItem(index, embedding);
        }
        return new EmbeddingList(data, model, new EmbeddingUsage(tokens, tokens));
    }

    // OpenAI's base64 is the raw bytes of float32 values in little-endian order, as this machine holds them.
    private static string ToBase64(float[] vector) =>
        BitConverter.IsLittleEndian
            ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
            : throw new PlatformNotSupportedException("base64 vectors are written on little-endian machines only.");
}

/// <param name="Embedding">A <c>float[]</c>, or a base64 string of its bytes.</param>
public sealed record EmbeddingItem(int Index, object Embedding)
{
    public string Object => "embedding";
}

public sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);
