using System.Globalization;

namespace AskVideo.Worker.Transcription;

/// <summary>Whisper names the language ("english"); the video stores its ISO 639-1 code ("en").</summary>
public static class LanguageCodes
{
    private static readonly Lazy<Dictionary<string, string>> s_byName = new(() =>
        CultureInfo.GetCultures(CultureTypes.NeutralCultures)
            .Where(c => c.TwoLetterISOLanguageName.Length == 2 && !string.IsNullOrEmpty(c.EnglishName))
            .GroupBy(c => c.EnglishName, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().TwoLetterISOLanguageName, StringComparer.OrdinalIgnoreCase));

    public static string? Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return null;
        }
        var trimmed = language.Trim();
        if (s_byName.Value.TryGetValue(trimmed, out var code))
        {
            return code;
        }
        return trimmed.Length <= 16 ? trimmed.ToLowerInvariant() : trimmed[..16].ToLowerInvariant();
    }
}
