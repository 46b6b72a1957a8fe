using Npgsql;

namespace AskVideo.Core.Jobs;

/// <summary>
/// Names shared by every producer and consumer of the job stream. A stream entry carries only a job
/// id, and a job id means something only in its own database, so the stream is named after the
/// database: deployments (or test databases) that share one Redis never read each other's jobs.
/// </summary>
public sealed record JobStream(string Key, string WakeChannel)
{
    /// <summary>The consumer group of all workers.</summary>
    public const string Group = "workers";

    public const string JobIdField = "job_id";
    public const string TraceParentField = "traceparent";

    /// <summary>
    /// The retry time a job was published for (UTC ticks), set by the relay when it publishes a job
    /// that became due. A worker takes such an entry while the job still has that retry time, even
    /// if its own clock says the time has not come yet: workers' clocks differ a little.
    /// </summary>
    public const string DueAtField = "due_at";

    /// <summary>The stream (<c>askvideo:jobs:{database}</c>) and the pub/sub channel that wakes idle workers.</summary>
    public static JobStream ForDatabase(string database) =>
        new($"askvideo:jobs:{database}", $"askvideo:jobs:{database}:wake");

    /// <summary>The stream of the database <paramref name="dataSource"/> points at.</summary>
    public static JobStream For(NpgsqlDataSource dataSource) =>
        ForDatabase(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database ?? "postgres");
}
