using Npgsql;

namespace AskVideo.Benchmarks;

internal sealed record JobTimes(long Id, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Status);

/// <summary>Reads job timings straight from PostgreSQL, the source of truth.</summary>
internal static class Jobs
{
    public static async Task<IReadOnlyList<JobTimes>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT \"Id\", \"CreatedAt\", \"PublishedAt\", \"StartedAt\", \"FinishedAt\", \"Status\" FROM jobs ORDER BY \"Id\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var jobs = new List<JobTimes>();
        while (await reader.ReadAsync())
        {
            jobs.Add(new JobTimes(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5)));
        }
        return jobs;
    }

    public static async Task<IReadOnlyList<JobTimes>> WaitAllFinishedAsync(string connectionString, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var jobs = await ReadAsync(connectionString);
            if (jobs.Count >= count && jobs.All(j => j.FinishedAt is not null))
            {
                return jobs;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"jobs not finished: {string.Join(", ", jobs.Select(j => $"{j.Id}:{j.Status}"))}");
            }
            await Task.Delay(200);
        }
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
