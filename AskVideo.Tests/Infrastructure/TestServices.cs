using AskVideo.LocalServers;
using AskVideo.Core.Data;

[assembly: AssemblyFixture(typeof(AskVideo.Tests.Infrastructure.TestServices))]

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL (with pgvector) and one real Redis for the whole test run, started from the
/// machine's binaries under the repository's ignored <c>.test-data</c> folder. Each API instance
/// gets a database of its own.
/// </summary>
public sealed class TestServices : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Postgres { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;
    /// <summary>Generated media, shared by all tests of the run.</summary>
    public TestMedia Media => new(Path.Combine(RunDirectory, "media-fixtures"));

    public string RunDirectory { get; } = Path.Combine(RepositoryRoot.Path, ".test-data", $"run-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(RunDirectory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Postgres = await PostgresServer.StartAsync(Path.Combine(RunDirectory, "postgres"), timeout.Token, fastButUnsafe: true);
        Redis = await RedisServer.StartAsync(Path.Combine(RunDirectory, "redis"), timeout.Token);
    }

    /// <summary>A new, fully migrated database.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}";
        var connectionString = await Postgres.CreateDatabaseAsync(name, cancellationToken);
        await DatabaseRegistration.MigrateAsync(connectionString, cancellationToken);
        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover folder is harmless; it is ignored by git and the next run uses a new one.
        }
    }
}

public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AskVideo.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("AskVideo.sln not found above the test binaries.");
    }
}
