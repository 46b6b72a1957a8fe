using System.IO.Hashing;
using System.Text;

namespace AskVideo.Benchmarks;

/// <summary>
/// The benchmark's stand-in for an embedding model: a deterministic 1536-dimension feature-hashing
/// vector. Each lowercased word (letters and digits, crudely stemmed so that "repaints" and
/// "repainted" meet) adds ±1 at an index chosen by XxHash64, the sign from the hash's top bit; the
/// sum is L2-normalised. Scenes and questions go through the same function, so texts sharing words
/// are close, as with a real model but without its grasp of synonyms.
/// </summary>
internal static class HashedEmbedding
{
    public const int Dimensions = 1536;

    public static float[] Vector(string text)
    {
        var vector = new float[Dimensions];
        foreach (var token in Tokens(text))
        {
            var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(token));
            vector[(int)(hash % Dimensions)] += (hash >> 63) == 0 ? 1 : -1;
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

    private static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return Stem(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            yield return Stem(word.ToString());
        }
    }

    private static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "e"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3)
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }
}
