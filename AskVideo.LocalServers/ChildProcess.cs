using System.Collections.Concurrent;
using System.Diagnostics;

namespace AskVideo.LocalServers;

/// <summary>What to start, and how.</summary>
public sealed record ChildProcessOptions(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Runs the program as this user (we must be root), e.g. <c>postgres</c>.</summary>
    public string? RunAsUser { get; init; }

    /// <summary>Variables to set (a null value removes one); the rest is inherited.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Signal the child receives when we die, however we die (name for <c>setpriv --pdeathsig</c>).</summary>
    public string DeathSignal { get; init; } = "TERM";

    /// <summary>Called with every line the child writes to stdout or stderr.</summary>
    public Action<string>? OnOutput { get; init; }
}

/// <summary>
/// A child process that cannot outlive us and does not share our terminal's Ctrl+C.
/// On Linux it is started through util-linux's <c>setsid</c> (own session, so only we decide when it
/// stops) and <c>setpriv --pdeathsig</c> (the kernel signals it when we exit, even on SIGKILL); both
/// exec in place, so <see cref="Id"/> is the program's own pid. The parent-death signal fires when
/// the forking thread ends, so the child is forked from a dedicated thread that lives until it exits.
/// </summary>
public sealed class ChildProcess
{
    private const int TailLength = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Action<string>? _onOutput;

    private ChildProcess(string name, Process process, Action<string>? onOutput, ManualResetEventSlim release)
    {
        Name = name;
        _process = process;
        _onOutput = onOutput;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Exited = WaitThenReleaseAsync(process, release);
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes when the process has exited and its output has been read.</summary>
    public Task Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines of output, for error messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _tail);

    public static ChildProcess Start(string name, ChildProcessOptions options)
    {
        var startInfo = BuildStartInfo(options);
        var release = new ManualResetEventSlim();
        var started = new ManualResetEventSlim();
        Process? process = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                process = Process.Start(startInfo);
            }
            catch (Exception e)
            {
                failure = e;
                started.Set();
                return;
            }
            started.Set();
            release.Wait();
        })
        {
            IsBackground = true,
            Name = $"child process: {name}",
        };
        thread.Start();
        started.Wait();
        if (process is null)
        {
            throw new InvalidOperationException($"Could not start {name} ({options.FileName}).", failure);
        }
        return new ChildProcess(name, process, options.OnOutput, release);
    }

    public bool Signal(int signal) => !HasExited && UnixSignals.Send(Id, signal);

    /// <summary>Waits up to <paramref name="timeout"/>; true if the process has exited.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        await Task.WhenAny(Exited, Task.Delay(timeout));
        return HasExited;
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the process tree.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }
        Signal(signal);
        if (await WaitForExitAsync(grace))
        {
            return;
        }
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static ProcessStartInfo BuildStartInfo(ChildProcessOptions options)
    {
        var command = new List<string>();
        if (Tools.Setsid is { } setsid)
        {
            command.Add(setsid);
        }
        if (Tools.Setpriv is { } setpriv)
        {
            command.AddRange([setpriv, $"--pdeathsig={options.DeathSignal}"]);
            if (options.RunAsUser is { } user)
            {
                command.AddRange([$"--reuid={user}", $"--regid={user}", "--init-groups"]);
            }
            command.Add("--");
        }
        else if (options.RunAsUser is { } user)
        {
            command.AddRange(["runuser", "-u", user, "--"]);
        }
        command.Add(options.FileName);
        command.AddRange(options.Arguments);

        var startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never let a child read our terminal
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? "",
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }
        return startInfo;
    }

    private async Task WaitThenReleaseAsync(Process process, ManualResetEventSlim release)
    {
        try
        {
            await process.WaitForExitAsync();
        }
        finally
        {
            release.Set();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _tail.Enqueue(line);
        while (_tail.Count > TailLength && _tail.TryDequeue(out _))
        {
        }
        _onOutput?.Invoke(line);
    }

    private static class Tools
    {
        public static readonly string? Setsid = Find("setsid");
        public static readonly string? Setpriv = Find("setpriv");

        private static string? Find(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/bin")
                .Select(directory => Path.Combine(directory, name))
                .FirstOrDefault(File.Exists);
    }
}
