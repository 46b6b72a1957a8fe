namespace AskVideo.Worker.Infrastructure;

/// <summary>
/// A failure the pipeline understood. <see cref="UserMessage"/> is what the video's owner reads;
/// a permanent failure (no audio track, API key rejected, ...) is not retried, a transient one is
/// while attempts remain.
/// </summary>
public sealed class JobFailure(string userMessage, bool permanent, Exception? inner = null)
    : Exception(inner is null ? userMessage : $"{userMessage} ({inner.Message})", inner)
{
    public string UserMessage { get; } = userMessage;
    public bool Permanent { get; } = permanent;

    public static JobFailure Fatal(string userMessage, Exception? inner = null) => new(userMessage, permanent: true, inner);

    public static JobFailure Transient(string userMessage, Exception? inner = null) => new(userMessage, permanent: false, inner);
}

/// <summary>The job's lease went to another worker (this one stalled): its results must not be written.</summary>
public sealed class LeaseLostException(long jobId) : Exception($"The lease on job {jobId} was lost.");
