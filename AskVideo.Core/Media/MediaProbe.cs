using System.Diagnostics;
using FFMpegCore;

namespace AskVideo.Core.Media;

/// <summary>What ffprobe found in a file.</summary>
public sealed record MediaInfo(string FormatName, double DurationSeconds, bool HasAudio, bool HasVideo);

/// <summary>
/// Looks inside media files with ffprobe, so that a file is judged by its content and not by its
/// name. A file ffprobe cannot read, or that holds neither audio nor video, is not media.
/// </summary>
public static class MediaProbe
{
    /// <summary>Null when the file is not a media file ffprobe understands.</summary>
    public static async Task<MediaInfo?> TryProbeAsync(string path, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("media.probe");
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(path, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return null;
        }

        // Cover art in an mp3 shows up as a one-frame "video" stream: only real video counts.
        var hasVideo = analysis.VideoStreams.Any(v => v.CodecName is not ("mjpeg" or "png" or "bmp" or "gif"));
        var hasAudio = analysis.AudioStreams.Count > 0;
        if (!hasAudio && !hasVideo)
        {
            return null;
        }
        var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : analysis.Format.Duration;
        return new MediaInfo(analysis.Format.FormatName ?? "", duration.TotalSeconds, hasAudio, hasVideo);
    }
}
