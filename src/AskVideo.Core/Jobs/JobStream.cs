namespace AskVideo.Core.Jobs;

/// <summary>Names shared by every producer and consumer of the job stream.</summary>
public static class JobStream
{
    /// <summary>The Redis stream that carries job ids.</summary>
    public const string Key = "askvideo:jobs";
    /// <summary>The consumer group of all workers.</summary>
    public const string Group = "workers";
    /// <summary>Pub/sub channel that wakes idle workers as soon as a job is added.</summary>
    public const string WakeChannel = "askvideo:jobs:wake";

    public const string JobIdField = "job_id";
    public const string TraceParentField = "traceparent";
}
