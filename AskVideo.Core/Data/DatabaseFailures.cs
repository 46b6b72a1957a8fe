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
}
