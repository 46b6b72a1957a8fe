using Npgsql;

namespace AskVideo.Core.Data;

public static class DatabaseFailures
{
    /// <summary>
    /// A failure to reach PostgreSQL (down, restarting, out of connections), as opposed to a query
    /// it refused: worth waiting out, never the caller's fault.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Class 08: connection exceptions; 57P01-03: shutting down or starting up; 53300: too many connections.
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Drops every pooled connection, idle ones now and busy ones when they are returned. Once
    /// PostgreSQL went away, connections pooled before are dead as well, and would otherwise fail
    /// the first uses after it is back, one each.
    /// </summary>
    public static void ForgetConnections(NpgsqlDataSource dataSource)
    {
        dataSource.Clear();
        NpgsqlConnection.ClearAllPools(); // The DbContext's own pool, opened from the connection string.
    }
}
