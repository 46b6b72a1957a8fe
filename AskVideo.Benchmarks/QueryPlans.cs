using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace AskVideo.Benchmarks;

/// <summary>
/// Catches the SQL the product's retrieval sends while <see cref="Armed"/>, so the benchmark can show
/// PostgreSQL's plan for exactly those statements (EXPLAIN ANALYZE on a connection of its own, with
/// the vector search's SET LOCAL settings) without restating the product's SQL.
/// </summary>
internal sealed class QueryPlans : DbCommandInterceptor
{
    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> _captured = [];

    public bool Armed { get; set; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Armed && command is NpgsqlCommand npgsql)
        {
            _captured.Add((npgsql.CommandText, [.. npgsql.Parameters.Select(p => p.Clone())]));
        }
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    /// <summary>
    /// The plans of the statements caught since the last call, as text (long lines cut). Each is also
    /// explained in the variants a reader would try next: the vector search with sequential scans
    /// disallowed, the full-text search with its per-language queries computed once (MATERIALIZED).
    /// </summary>
    public async Task<string> ExplainAsync(NpgsqlDataSource dataSource)
    {
        var text = new StringBuilder();
        foreach (var (sql, parameters) in _captured)
        {
            var vector = sql.Contains("<=>", StringComparison.Ordinal);
            await ExplainAsync(dataSource, text, "as the product runs it", sql, parameters, vector, extraSetting: null);
            if (vector)
            {
                await ExplainAsync(dataSource, text, "variant: SET LOCAL enable_seqscan = off", sql, parameters, vector, "SET LOCAL enable_seqscan = off");
            }
            const string Queries = "), queries AS (";
            if (sql.Contains(Queries, StringComparison.Ordinal))
            {
                await ExplainAsync(dataSource, text, "variant: queries AS MATERIALIZED", sql.Replace(Queries, "), queries AS MATERIALIZED (", StringComparison.Ordinal),
                    parameters, vector, extraSetting: null);
            }
        }
        _captured.Clear();
        return text.ToString();
    }

    /// <summary>Runs the statement once to warm the caches (a variant may use an index nothing else touched), then explains it.</summary>
    private static async Task ExplainAsync(
        NpgsqlDataSource dataSource, StringBuilder text, string title, string sql, NpgsqlParameter[] parameters, bool vector, string? extraSetting)
    {
        await PlanAsync(dataSource, new StringBuilder(), sql, parameters, vector, extraSetting);
        text.AppendLine($"  -- {title} (second run)");
        await PlanAsync(dataSource, text, sql, parameters, vector, extraSetting);
    }

    private static async Task PlanAsync(
        NpgsqlDataSource dataSource, StringBuilder text, string sql, NpgsqlParameter[] parameters, bool vector, string? extraSetting)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var settings = (vector ? "SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = 100; " : "") + extraSetting;
        if (settings.Length > 0)
        {
            await using var set = new NpgsqlCommand(settings, connection, transaction);
            await set.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection, transaction);
        explain.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var line = reader.GetString(0);
            text.AppendLine("    " + (line.Length > 180 ? line[..180] + " ..." : line));
        }
        text.AppendLine();
    }
}
