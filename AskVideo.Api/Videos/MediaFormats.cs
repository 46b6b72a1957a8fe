using AskVideo.Core.Media;

namespace AskVideo.Api.Videos;

/// <summary>
/// The file types an upload may have. The extension picks the family (audio, video, or either);
/// the content, as ffprobe sees it, must then be real media of that family.
/// </summary>
public static class MediaFormats
{
    private enum Family { Audio, Video, Either }

    private sealed record Format(Family Family, string ContentType);

    private static readonly Dictionary<string, Format> s_formats = new(StringComparer.OrdinalIgnoreCase)
    {
        [".flac"] = new(Family.Audio, "audio/flac"),
        [".m4a"] = new(Family.Audio, "audio/mp4"),
        [".mp3"] = new(Family.Audio, "audio/mpeg"),
        [".mpga"] = new(Family.Audio, "audio/mpeg"),
        [".oga"] = new(Family.Audio, "audio/ogg"),
        [".ogg"] = new(Family.Audio, "audio/ogg"),
        [".wav"] = new(Family.Audio, "audio/wav"),
        [".webm"] = new(Family.Either, "video/webm"),
        [".mp4"] = new(Family.Video, "video/mp4"),
        [".mpeg"] = new(Family.Video, "video/mpeg"),
        [".mov"] = new(Family.Video, "video/quicktime"),
        [".mkv"] = new(Family.Video, "video/x-matroska"),
        [".avi"] = new(Family.Video, "video/x-msvideo"),
        [".m4v"] = new(Family.Video, "video/x-m4v"),
    };

    /// <summary>Every accepted extension, for messages: ".flac, .m4a, ...".</summary>
    public static IReadOnlyList<string> Extensions { get; } = [.. s_formats.Keys];

    public static string AcceptedList => string.Join(", ", Extensions);

    /// <summary>The lower-case extension of <paramref name="fileName"/> when it is accepted; otherwise null.</summary>
    public static string? AcceptedExtension(string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return s_formats.ContainsKey(extension) ? extension : null;
    }

    /// <summary>
    /// True when the probed content is media that fits the extension: audio files must hold audio,
    /// and nothing may be a still image or text that ffprobe happens to read (its image and tty
    /// demuxers), which has no duration worth transcribing.
    /// </summary>
    public static bool Fits(string extension, MediaInfo media)
    {
        if (media.DurationSeconds <= 0 || IsStillOrText(media.FormatName))
        {
            return false;
        }
        return s_formats[extension].Family switch
        {
            Family.Audio => media.HasAudio,
            _ => media.HasAudio || media.HasVideo,
        };
    }

    public static string ContentType(string extension, bool hasVideo) =>
        extension == ".webm" && !hasVideo ? "audio/webm" : s_formats[extension].ContentType;

    private static bool IsStillOrText(string formatName) =>
        formatName.Split(',').Any(name => name.EndsWith("_pipe", StringComparison.Ordinal)
            || name is "image2" or "tty" or "lavfi" or "apng" or "webp");
}
