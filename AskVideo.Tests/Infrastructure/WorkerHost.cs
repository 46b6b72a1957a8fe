using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AskVideo.Worker.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// What a test worker runs against. Api and Worker must share <see cref="MediaRoot"/> and
/// <see cref="Database"/> (the job stream is named after the database).
/// </summary>
public sealed record WorkerSettings(string Database, string MediaRoot)
{
    /// <summary>Connection string of an OpenAI-compatible service; null runs the local engine.</summary>
    public string? Transcription { get; init; }

    public string ConsumerName { get; init; } = $"test-worker-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The lease, long enough that a loaded machine does not outrun it. Tests of a killed worker
    /// shorten it, so that its job is claimed within seconds.
    /// </summary>
    public TimeSpan ClaimIdleTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of an in-process worker; a fake one lets a test move time on by itself.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Any other setting, by configuration key (<c>Worker:Concurrency</c>, ...).</summary>
    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    public IDictionary<string, string?> ToConfiguration(TestServices services)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:askvideo"] = Database,
            ["ConnectionStrings:redis"] = services.Redis.ConnectionString,
            ["ConnectionStrings:transcription"] = Transcription,
            ["Media:Root"] = MediaRoot,
            ["Worker:ConsumerName"] = ConsumerName,
            ["Worker:ClaimIdleTime"] = ClaimIdleTime.ToString("c", CultureInfo.InvariantCulture),
            ["Worker:RetryBaseDelay"] = "00:00:00.200",
            ["Worker:RelayInterval"] = "00:00:00.200",
            ["Transcription:PieceRetryDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in Extra)
        {
            settings[key] = value;
        }
        return settings;
    }
}

/// <summary>Ways for tests to run a real Worker.</summary>
public static class WorkerHost
{
    /// <summary>A worker inside the test process (fast; its spans reach the test's ActivityListener).</summary>
    /// <param name="replaceServices">
    /// Changes to the worker's services after its own registrations: only for what no real part can
    /// be made to do (each use says why).
    /// </param>
    public static InProcessWorker StartInProcess(TestServices services, WorkerSettings settings, Action<IServiceCollection>? replaceServices = null)
    {
        var worker = new InProcessWorker(settings.ToConfiguration(services), settings.Time, replaceServices);
        try
        {
            worker.Start();
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>A worker as its own OS process (<c>dotnet AskVideo.Worker.dll</c>), so a test can kill it.</summary>
    public static Task<WorkerProcess> StartProcessAsync(TestServices services, WorkerSettings settings, CancellationToken cancellationToken) =>
        WorkerProcess.StartAsync(settings.ToConfiguration(services), cancellationToken);
}

/// <summary>The Worker's own host on Kestrel (port 0), configured like a deployment would be.</summary>
public sealed class InProcessWorker(
    IDictionary<string, string?> settings, TimeProvider? time = null, Action<IServiceCollection>? replaceServices = null)
    : WebApplicationFactory<WorkerOptions>
{
    internal void Start()
    {
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Host settings are read before the app's own configuration: these win over appsettings.json.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        if (time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
        if (replaceServices is not null)
        {
            builder.ConfigureTestServices(replaceServices);
        }
    }
}

/// <summary>
/// A worker process. It is forked from a thread that lives as long as it does, under
/// <c>setpriv --pdeathsig KILL</c>, so it cannot outlive the test run however that ends.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const string ReadyMarker = "reads askvideo:jobs:";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The built Worker beside the test binaries (same configuration: Debug or Release).</summary>
    public static string WorkerDll
    {
        get
        {
            var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(tests.Parent!.Parent!.FullName, "AskVideo.Worker", tests.Name, "AskVideo.Worker.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the Worker is missing.", path);
        }
    }

    internal static async Task<WorkerProcess> StartAsync(IDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(WorkerDll)!,
        };
        if (startInfo.FileName != "dotnet")
        {
            foreach (var argument in new[] { "--pdeathsig=KILL", "--", "dotnet" })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        startInfo.ArgumentList.Add(WorkerDll);
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        startInfo.Environment["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        var worker = new WorkerProcess(StartOnDedicatedThread(startInfo));
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException($"The worker process did not start:{Environment.NewLine}{worker.Output}");
        }
        return worker;
    }

    /// <summary>SIGKILL: the process dies at once, mid-job, acknowledging nothing.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the host shuts down gracefully.</summary>
    public void Terminate() => SendSignal(_process.Id, SigTerm);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (line.Contains(ReadyMarker, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>The parent-death signal fires when the forking thread ends, so that thread waits for the child.</summary>
    private static Process StartOnDedicatedThread(ProcessStartInfo startInfo)
    {
        Process? process = null;
        Exception? failure = null;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                process = Process.Start(startInfo);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            started.Set();
            process?.WaitForExit();
        })
        {
            IsBackground = true,
            Name = "worker process",
        };
        thread.Start();
        started.Wait();
        return process ?? throw new InvalidOperationException("The worker process could not be started.", failure);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
