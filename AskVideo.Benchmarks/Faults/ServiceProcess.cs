using System.Globalization;
using AskVideo.LocalServers;

namespace AskVideo.Benchmarks.Faults;

/// <summary>
/// Api or Worker as its own OS process (<c>dotnet AskVideo.X.dll</c> from the Release build), on a
/// loopback port of its own, so that a scenario can SIGKILL it as an orchestrator or the kernel would.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServiceProcess(string name, ChildProcess process, int port)
    {
        Name = name;
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    public string Name { get; }
    public Uri Url { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The built program beside the benchmark's own output (same configuration).</summary>
    public static string DllOf(string project)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(own.Parent!.Parent!.FullName, project, own.Name, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first (bench/run.sh does).", path);
    }

    /// <summary>Starts <paramref name="project"/> with <paramref name="settings"/> (configuration keys) and waits until /health answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string name, string project, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = LoopbackPort.PickFree();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var dll = DllOf(project);
        var process = ChildProcess.Start(name, new ChildProcessOptions("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll),
            Environment = environment,
            // However the benchmark ends, its services end with it.
            DeathSignal = "KILL",
        });
        var service = new ServiceProcess(name, process, port);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start:{Environment.NewLine}{_process.RecentOutput}");
            }
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not healthy within {timeout.TotalSeconds} s:{Environment.NewLine}{_process.RecentOutput}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process dies at once, mid-job, acknowledging nothing and releasing no lease.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    public string RecentOutput => _process.RecentOutput;

    public async ValueTask DisposeAsync() => await _process.StopAsync(15, TimeSpan.FromSeconds(10));
}
