namespace AskVideo.Core.Videos;

/// <summary>
/// Progress stages that Api and Worker both write. A completed video whose transcript was edited
/// shows <see cref="Index"/> until its new scenes are stored, while it stays completed and
/// answerable from the scenes it had.
/// </summary>
public static class VideoStages
{
    /// <summary>The pipeline's index stage, and a completed video's pending or running re-index.</summary>
    public const string Index = "index";

    /// <summary>Done: transcribed, or re-indexed.</summary>
    public const string Completed = "completed";

    /// <summary>A re-index gave up; the video is still completed, searched with its previous scenes.</summary>
    public const string IndexFailed = "index_failed";

    /// <summary>What the owner reads at <see cref="IndexFailed"/> (the cause is in the job's <c>LastError</c>).</summary>
    public const string IndexFailedMessage =
        "The edited transcript could not be indexed; chat still searches it as it was before the edit. Edit it again to retry.";

    /// <summary>Percent of a re-index that is queued, and of one a worker is running.</summary>
    public const int IndexQueuedPercent = 0;
    public const int IndexRunningPercent = 50;
}
