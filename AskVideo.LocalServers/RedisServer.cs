using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AskVideo.LocalServers;

/// <summary>
/// A <c>redis-server</c> on a free loopback port. Persistence is the append-only file only
/// (<c>--appendonly yes --save ""</c>) in the data folder: every write is logged and fsynced each second,
/// a clean stop flushes it, and the next start on the same folder replays it, so streams and their
/// consumer groups survive <see cref="StopAsync"/>/<see cref="RestartAsync"/> and a new run.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory;
    private readonly string _executable;
    private ChildProcess? _process;

    private RedisServer(string executable, string dataDirectory, int port)
    {
        _executable = executable;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration: <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's process id while it runs.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    public static async Task<RedisServer> StartAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var executable = FindExecutable();
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(executable, dataDirectory, LoopbackPort.PickFree());
            try
            {
                await server.StartProcessAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.PortWasTaken)
            {
                // Someone took the port between our probe and the server's bind: try another.
            }
        }
    }

    /// <summary>Stops the server (SIGTERM: Redis flushes its append-only file and exits).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { } process)
        {
            await process.StopAsync(UnixSignals.Terminate, TimeSpan.FromSeconds(10)).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops the server if it runs, then starts it again on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await StartProcessAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (PortWasTaken && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private bool PortWasTaken =>
        _process?.RecentOutput.Contains("Address already in use", StringComparison.Ordinal) == true;

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        _process = ChildProcess.Start("redis", new ChildProcessOptions(_executable,
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--dir", _dataDirectory,
            "--appendonly", "yes",
            "--save", "",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", "",
        ])
        {
            WorkingDirectory = _dataDirectory,
        });
        try
        {
            await WaitForPongAsync(_process, cancellationToken);
        }
        catch
        {
            await _process.StopAsync(UnixSignals.Terminate, TimeSpan.FromSeconds(5));
            throw;
        }
    }

    private async Task WaitForPongAsync(ChildProcess process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited during start (exit code {process.ExitCode}):{Environment.NewLine}{process.RecentOutput}");
            }
            if (deadline.Elapsed > s_startTimeout)
            {
                throw new InvalidOperationException(
                    $"redis-server did not answer PING within {s_startTimeout.TotalSeconds} s:{Environment.NewLine}{process.RecentOutput}");
            }
            if (await PingAsync(cancellationToken))
            {
                return;
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>True when the server answers <c>+PONG</c> (not <c>-LOADING</c> while it replays its data).</summary>
    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private static string FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server not found on PATH. Run scripts/setup.sh.");
}
