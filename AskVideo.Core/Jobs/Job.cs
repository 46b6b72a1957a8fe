namespace AskVideo.Core.Jobs;

public enum JobStatus
{
    /// <summary>Waiting to be published to the stream or picked up by a worker.</summary>
    Pending,
    /// <summary>A worker holds the lease (see <see cref="Job.LeaseExpiresAt"/>).</summary>
    Running,
    Succeeded,
    /// <summary>Gave up after the last attempt, or failed in a way no retry can fix (dead-lettered).</summary>
    Failed,
}

/// <summary>What a job does to its video.</summary>
public enum JobKind
{
    /// <summary>The whole pipeline: probe, extract audio, transcribe, index, store.</summary>
    Transcribe,
    /// <summary>
    /// Builds and embeds the scenes of the video's current segments again (after a transcript
    /// edit); the video stays completed and searchable with its old scenes until the new ones are stored.
    /// </summary>
    Index,
}

/// <summary>
/// A unit of background work. PostgreSQL holds the truth; the Redis stream only carries job ids.
/// Written in the same transaction as the thing it works on (transactional outbox): a job with
/// <see cref="PublishedAt"/> null is published by the relay once <see cref="NotBefore"/> has passed.
/// </summary>
public sealed class Job
{
    public long Id { get; set; }
    public int VideoId { get; set; }
    public JobKind Kind { get; set; } = JobKind.Transcribe;
    public JobStatus Status { get; set; } = JobStatus.Pending;

    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 3;
    /// <summary>Earliest time the relay may (re)publish the job: upload grace period or retry backoff.</summary>
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>The worker consumer that holds the lease, and until when.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }
    /// <summary>W3C traceparent of the request that created the job, so one trace covers the whole pipeline.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
