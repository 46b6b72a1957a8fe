using System.Diagnostics;
using System.Net;
using AskVideo.AppHost.LocalServers;

namespace AskVideo.AppHost;

/// <summary>A built ASP.NET Core project (Api, Worker) run as <c>dotnet &lt;project&gt;.dll</c>, its output prefixed with its name.</summary>
internal sealed class ServiceProcess
{
    private readonly ChildProcess _process;

    private ServiceProcess(string name, string url, ChildProcess process)
    {
        Name = name;
        Url = url;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:5170</c>.</summary>
    public string Url { get; }

    public int ProcessId => _process.Id;

    public Task Exited => _process.Exited;

    public int ExitCode => _process.ExitCode;

    public static ServiceProcess Start(
        string name, string assemblyPath, int port, IReadOnlyDictionary<string, string?> environment)
    {
        var url = $"http://127.0.0.1:{port}";
        var variables = new Dictionary<string, string?>(environment)
        {
            ["ASPNETCORE_URLS"] = url,
            // One line per log entry reads better behind the [name] prefix.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        var process = ChildProcess.Start(name, new ChildProcessOptions("dotnet", [assemblyPath])
        {
            // The content root (appsettings.json) is the build output folder.
            WorkingDirectory = Path.GetDirectoryName(assemblyPath),
            Environment = variables,
            OnOutput = line => Output.Line(name, line),
        });
        return new ServiceProcess(name, url, process);
    }

    /// <summary>Polls <c>/health</c> until it answers 200; fails if the process exits or <paramref name="timeout"/> passes.</summary>
    public async Task WaitUntilHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var lastAnswer = "no answer";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start with code {_process.ExitCode}.");
            }
            if (deadline.Elapsed > timeout)
            {
                throw new InvalidOperationException(
                    $"{Name} did not report healthy at {Url}/health within {timeout.TotalSeconds} s (last answer: {lastAnswer}).");
            }
            try
            {
                using var response = await http.GetAsync($"{Url}/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                lastAnswer = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "request timed out";
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>SIGTERM (the host's graceful shutdown), then kill the process tree after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(UnixSignals.Terminate, grace);
}
