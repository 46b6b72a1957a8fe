namespace AskVideo.Core.Videos;

/// <summary>
/// Every progress stage a video shows (<see cref="Video.ProgressStage"/>, read by clients as
/// <c>progress.stage</c>), with the percent each one reports. Api and Worker both write them, so they
/// are named only here. A completed video whose transcript was edited shows <see cref="Index"/> until
/// its new scenes are stored, while it stays completed and answerable from the scenes it had.
/// </summary>
public static class VideoStages
{
    /// <summary>Uploaded, or sent back for transcription, and waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>The pipeline's first stage: ffprobe reads the file.</summary>
    public const string Probe = "probe";

    /// <summary>ffmpeg extracts the audio.</summary>
    public const string Extract = "extract";

    /// <summary>The audio is transcribed, piece by piece.</summary>
    public const string Transcribe = "transcribe";

    /// <summary>The pipeline's index stage, and a completed video's pending or running re-index.</summary>
    public const string Index = "index";

    /// <summary>The transcript and scenes are being written.</summary>
    public const string Store = "store";

    /// <summary>Done: transcribed, or re-indexed.</summary>
    public const string Completed = "completed";

    /// <summary>A transcription failed and waits for its next attempt.</summary>
    public const string Retrying = "retrying";

    /// <summary>A transcription gave up; the video's error message says why.</summary>
    public const string Error = "error";

    /// <summary>A re-index gave up; the video is still completed, searched with its previous scenes.</summary>
    public const string IndexFailed = "index_failed";

    /// <summary>What the owner reads at <see cref="IndexFailed"/> (the cause is in the job's <c>LastError</c>).</summary>
    public const string IndexFailedMessage =
        "The edited transcript could not be indexed; chat still searches it as it was before the edit. Edit it again to retry.";

    /// <summary>Percent of a queued video, and of a re-index that is queued.</summary>
    public const int QueuedPercent = 0;
    public const int IndexQueuedPercent = 0;

    /// <summary>Percents of the pipeline's stages; transcription runs from its start to its end as pieces finish.</summary>
    public const int ProbePercent = 5;
    public const int ExtractPercent = 15;
    public const int TranscribeStartPercent = 20;
    public const int TranscribeEndPercent = 90;
    public const int IndexPercent = 92;
    public const int StorePercent = 95;

    /// <summary>Percent of a re-index a worker is running.</summary>
    public const int IndexRunningPercent = 50;

    /// <summary>Percent of a finished video, or a finished (or abandoned) re-index.</summary>
    public const int CompletedPercent = 100;

    /// <summary>The percent while <paramref name="done"/> of <paramref name="total"/> transcription pieces are finished.</summary>
    public static int TranscribePercent(int done, int total) =>
        TranscribeStartPercent + (TranscribeEndPercent - TranscribeStartPercent) * done / total;
}
