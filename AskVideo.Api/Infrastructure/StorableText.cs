using System.Text;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// Text PostgreSQL can store. A <c>text</c> column refuses U+0000 (SQLSTATE 22021), and a lone
/// UTF-16 surrogate has no UTF-8 form at all, so both are refused at the edge with a 400 naming the
/// field, instead of failing the query. The JSON reader, the query and route check and the upload
/// reader all ask this one rule.
/// </summary>
public static class StorableText
{
    public const string Title = "Some fields hold text that cannot be stored.";

    public const string Message =
        "Text must be valid UTF-8 and may not contain the NUL character (U+0000) or unpaired surrogates.";

    /// <summary>Strict UTF-8: invalid bytes throw instead of turning into U+FFFD silently.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        // Fast path: nearly all text has neither NUL nor any surrogate.
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return !text.Contains('\0');
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Decodes strict UTF-8; null when the bytes are not valid UTF-8 or the text cannot be stored.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> utf8)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        return IsStorable(text) ? text : null;
    }
}
