using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace AskVideo.LocalServers;

/// <summary>
/// A PostgreSQL server run from the machine's binaries, on a free loopback port, with its cluster in
/// one folder (created on first start, reused afterwards). Trust authentication on 127.0.0.1 only,
/// no unix socket. Disposing it stops the server (fast shutdown).
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string DefaultDatabase = "askvideo";
    private const string SuperUser = "postgres";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory;
    private readonly bool _fastButUnsafe;
    private ChildProcess _process;

    private PostgresServer(ChildProcess process, string dataDirectory, int port, bool fastButUnsafe)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _fastButUnsafe = fastButUnsafe;
        Port = port;
        ConnectionString = ConnectionStringFor(DefaultDatabase);
    }

    public int Port { get; }

    /// <summary>The <c>askvideo</c> database, as user <c>postgres</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>The postmaster's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts a server on <paramref name="dataDirectory"/>, running <c>initdb</c> first when the folder
    /// holds no cluster. <paramref name="fastButUnsafe"/> turns off fsync: for tests only, a crash can
    /// corrupt the data.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(
        string dataDirectory, CancellationToken cancellationToken, bool fastButUnsafe = false)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var binDirectory = FindBinDirectory();
        var runAs = RunAsUser;
        await PrepareClusterAsync(dataDirectory, cancellationToken, fastButUnsafe);

        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.PickFree();
            var process = StartProcess(binDirectory, dataDirectory, port, fastButUnsafe, runAs);
            var server = new PostgresServer(process, dataDirectory, port, fastButUnsafe);
            try
            {
                await server.WaitUntilAcceptingAsync(cancellationToken);
                await server.EnsureDatabaseAsync(DefaultDatabase, cancellationToken);
                return server;
            }
            catch (Exception e) when (attempt < 3 && e is not OperationCanceledException
                && process.RecentOutput.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Someone took the port between our probe and the server's bind: try another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>PostgreSQL refuses to run as root: then the server runs as the <c>postgres</c> user.</summary>
    public static string? RunAsUser => Environment.IsPrivilegedProcess ? SuperUser : null;

    /// <summary>
    /// Makes <paramref name="dataDirectory"/> ready for a server: waits for a server of an earlier run to
    /// finish stopping, then runs <c>initdb</c> when the folder holds no cluster yet.
    /// </summary>
    public static async Task PrepareClusterAsync(
        string dataDirectory, CancellationToken cancellationToken, bool fastButUnsafe = false)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        await WaitForPreviousServerToExitAsync(dataDirectory, cancellationToken);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeClusterAsync(FindBinDirectory(), dataDirectory, RunAsUser, fastButUnsafe, cancellationToken);
        }
    }

    /// <summary>The full path of the <c>postgres</c> server program.</summary>
    public static string ServerExecutable => Path.Combine(FindBinDirectory(), "postgres");

    /// <summary>Creates the database <paramref name="name"/> on the server at <paramref name="serverConnectionString"/> unless it exists.</summary>
    public static async Task EnsureDatabaseAsync(string serverConnectionString, string name, CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await CreateDatabaseIfMissingAsync(connection, name, cancellationToken);
    }

    /// <summary>A connection string for the database <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database (dropping any previous one of that name) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException("Use letters, digits and underscores (at most 63), starting with a letter.", nameof(name));
        }
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken);
        await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"", cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Stops the server (fast shutdown: every connection is cut), stays down for <paramref name="downtime"/>,
    /// then starts it again on the same port and data, as an operator's restart or a failover does.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellationToken = default)
    {
        await DisposeAsync();
        await Task.Delay(downtime, cancellationToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            _process = StartProcess(FindBinDirectory(), _dataDirectory, Port, _fastButUnsafe, RunAsUser);
            try
            {
                await WaitUntilAcceptingAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < TimeSpan.FromSeconds(10)
                && _process.RecentOutput.Contains("Address already in use", StringComparison.Ordinal))
            {
                // The old server's socket is still closing: try the same port again.
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static ChildProcess StartProcess(string binDirectory, string dataDirectory, int port, bool fastButUnsafe, string? runAs) =>
        ChildProcess.Start("postgres", new ChildProcessOptions(
            Path.Combine(binDirectory, "postgres"), ServerArguments(dataDirectory, port, fastButUnsafe))
        {
            RunAsUser = runAs,
            WorkingDirectory = dataDirectory,
            DeathSignal = "INT", // fast shutdown
        });

    /// <summary>Stops the server: fast shutdown (SIGINT), then immediate shutdown, then kill.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        _process.Signal(UnixSignals.Interrupt);
        if (!await _process.WaitForExitAsync(TimeSpan.FromSeconds(30)))
        {
            await _process.StopAsync(UnixSignals.Quit, TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The server's command line: loopback TCP on <paramref name="port"/> only, memory for the scenes' indexes.</summary>
    public static List<string> ServerArguments(string dataDirectory, int port, bool fastButUnsafe = false)
    {
        List<string> arguments =
        [
            "-D", dataDirectory,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=200",
            // Room for the scenes and their HNSW index (about 300 MB for 100 hours of transcripts):
            // the default 128 MB makes vector search read from disk.
            "-c", "shared_buffers=512MB",
            "-c", "maintenance_work_mem=256MB",
        ];
        if (fastButUnsafe)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return arguments;
    }

    private static async Task InitializeClusterAsync(
        string binDirectory, string dataDirectory, string? runAs, bool fastButUnsafe, CancellationToken cancellationToken)
    {
        var wasEmpty = !Directory.Exists(dataDirectory) || !Directory.EnumerateFileSystemEntries(dataDirectory).Any();
        Directory.CreateDirectory(dataDirectory);
        if (runAs is not null)
        {
            await RunToEndAsync("chown", [$"{runAs}:", dataDirectory], cancellationToken);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        List<string> arguments =
        [
            "-D", dataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions",
        ];
        if (fastButUnsafe)
        {
            arguments.Add("--no-sync");
        }
        var initdb = ChildProcess.Start("initdb", new ChildProcessOptions(Path.Combine(binDirectory, "initdb"), arguments)
        {
            RunAsUser = runAs,
            WorkingDirectory = dataDirectory,
        });
        try
        {
            await initdb.Exited.WaitAsync(cancellationToken);
            if (initdb.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"initdb failed on {dataDirectory} (exit code {initdb.ExitCode}):{Environment.NewLine}{initdb.RecentOutput}");
            }
            // Only TCP from this machine, no password: a developer's and the tests' throwaway server.
            await File.WriteAllTextAsync(
                Path.Combine(dataDirectory, "pg_hba.conf"),
                "# AskVideo local server: trust TCP connections from 127.0.0.1 only.\nhost all all 127.0.0.1/32 trust\n",
                cancellationToken);
        }
        catch when (wasEmpty)
        {
            // Interrupted or failed: leave the folder empty, so that the next start initializes it again.
            await initdb.StopAsync(UnixSignals.Terminate, TimeSpan.FromSeconds(5));
            foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            throw;
        }
    }

    /// <summary>
    /// A server from an earlier run may still be finishing its shutdown (it stops when its parent dies).
    /// Give it a moment; if it stays, the folder belongs to a running server and we must not touch it.
    /// </summary>
    private static async Task WaitForPreviousServerToExitAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        var deadline = Stopwatch.StartNew();
        while (File.Exists(pidFile))
        {
            var firstLine = (await File.ReadAllLinesAsync(pidFile, cancellationToken)).FirstOrDefault();
            if (!int.TryParse(firstLine, out var pid) || !IsPostgres(pid))
            {
                return; // stale file: PostgreSQL removes it itself
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException(
                    $"A PostgreSQL server (pid {pid}) is already running on {dataDirectory}. Stop it first.");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres"))
        {
            Pooling = false,
            Timeout = 2,
        }.ConnectionString;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL exited during start (exit code {_process.ExitCode}):{Environment.NewLine}{_process.RecentOutput}");
            }
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(cancellationToken);
                await ExecuteAsync(connection, "SELECT 1", cancellationToken);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < s_startTimeout)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private async Task EnsureDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await CreateDatabaseIfMissingAsync(connection, name, cancellationToken);
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"", cancellationToken);
        }
    }

    private async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The highest Debian-style <c>/usr/lib/postgresql/N/bin</c>, else what <c>pg_config --bindir</c> says.</summary>
    private static string FindBinDirectory()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => (directory, version: int.TryParse(Path.GetFileName(directory), out var n) ? n : -1))
                .Where(candidate => File.Exists(Path.Combine(candidate.directory, "bin", "postgres")))
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.directory, "bin"))
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }
        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true })!;
            var bindir = pgConfig.StandardOutput.ReadToEnd().Trim();
            pgConfig.WaitForExit();
            if (File.Exists(Path.Combine(bindir, "postgres")))
            {
                return bindir;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH.
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/N/bin and pg_config --bindir). Run scripts/setup.sh.");
    }

    private static async Task RunToEndAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} failed: {error}");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
