using System.Globalization;
using System.Text;

namespace AskVideo.Api.Videos;

/// <summary>
/// Makes the client's file name safe to keep and show. It is never used as a path: files are
/// stored under keys the server chooses. Unicode letters are kept.
/// </summary>
public static class UploadFileName
{
    public const int MaxLength = 255;

    public static string Sanitize(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return "";
        }
        // Only the last part of a path, whether the client used / or \.
        var name = fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..];

        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (!IsHidden(rune))
            {
                kept.Append(rune.ToString());
            }
        }
        name = kept.ToString().Trim().Trim('.').Trim();
        return Truncate(name);
    }

    /// <summary>The name without its extension, as a default title.</summary>
    public static string Stem(string fileName) => Path.GetFileNameWithoutExtension(fileName).Trim();

    /// <summary>Control characters, and the invisible direction marks that can disguise an extension.</summary>
    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse;

    /// <summary>Cuts the stem, not the extension, and never inside a surrogate pair.</summary>
    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }
        var extension = Path.GetExtension(name);
        if (extension.Length > 16)
        {
            extension = "";
        }
        var room = MaxLength - extension.Length;
        var stem = name[..^extension.Length];
        var cut = char.IsHighSurrogate(stem[room - 1]) ? room - 1 : room;
        return stem[..cut].TrimEnd() + extension;
    }
}
