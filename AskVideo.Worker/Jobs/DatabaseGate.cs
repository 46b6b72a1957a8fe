using AskVideo.Core.Data;
using Npgsql;

namespace AskVideo.Worker.Jobs;

/// <summary>
/// Closed while PostgreSQL cannot be reached: the consumer then reads no new entries, since every
/// job needs the database first, and the runs already waiting resume on their own once it is back.
/// </summary>
public sealed class DatabaseGate(NpgsqlDataSource dataSource)
{
    private int _closed;

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>
    /// Closes the gate and drops the pooled connections, which died with the server, so the first
    /// take after it is back opens a fresh one instead of failing on an old one (and the next, and
    /// the next); true for the caller that closed it.
    /// </summary>
    public bool Close()
    {
        DatabaseFailures.ForgetConnections(dataSource);
        return Interlocked.Exchange(ref _closed, 1) == 0;
    }

    public void Open() => Volatile.Write(ref _closed, 0);
}
