using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AskVideo.AppHost.LocalServers;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.AppHost;

/// <summary>The AppHost as a developer runs it: a real process that starts everything and stops everything.</summary>
public sealed partial class AppHostProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppHost_starts_the_system_and_leaves_no_process_after_sigint()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));

        await AssertHealthyAsync(appHost.ApiUrl + "/health");
        await AssertHealthyAsync(appHost.WorkerHealthUrl);
        await AssertSignupMailsAVerificationLinkAsync(appHost.ApiUrl, Path.Combine(appHost.DataDirectory, "mail"));

        var started = appHost.ProcessTree();
        Assert.Contains(appHost.ReportedPids["postgres"], started.Keys);
        Assert.Contains(appHost.ReportedPids["redis"], started.Keys);
        Assert.Contains(appHost.ReportedPids["api"], started.Keys);
        Assert.Contains(appHost.ReportedPids["worker"], started.Keys);

        var exitCode = await appHost.InterruptAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, exitCode);
        var survivors = started.Where(process => LinuxProcess.IsRunning(process.Key, process.Value)).Select(process => process.Key);
        Assert.Empty(survivors);
    }

    /// <summary>The Api started by the AppHost has its database migrated and its mail pickup folder set.</summary>
    private static async Task AssertSignupMailsAVerificationLinkAsync(string apiUrl, string mailDirectory)
    {
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        var account = Accounts.NewAccount();

        var signup = await http.SignupAsync(account);

        signup.AssertStatus(HttpStatusCode.Created);
        var (uid, token) = new Mailbox(mailDirectory).LatestLink(account.Email, "verify-email");
        (await http.VerifyAsync((uid, token))).AssertStatus(HttpStatusCode.OK);
        (await http.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.OK);
    }

    private static async Task AssertHealthyAsync(string url)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        var checks = JsonNode.Parse(body)!["checks"]!;
        Assert.Equal("Healthy", checks["postgres"]?["status"]?.GetValue<string>());
        Assert.Equal("Healthy", checks["redis"]?["status"]?.GetValue<string>());
    }

    /// <summary>
    /// <c>dotnet AskVideo.AppHost.dll</c> with its own data folder under <c>.test-data</c> and a free Api
    /// port, its output collected. Disposing it kills whatever is left and removes the folder.
    /// </summary>
    private sealed partial class AppHostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dataDirectory;

        public string DataDirectory => _dataDirectory;
        private readonly ConcurrentQueue<string> _output = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private AppHostProcess(Process process, string dataDirectory)
        {
            _process = process;
            _dataDirectory = dataDirectory;
        }

        public string ApiUrl { get; private set; } = "";

        public string WorkerHealthUrl { get; private set; } = "";

        /// <summary>The pid of each process the AppHost reported starting: postgres, redis, api, worker.</summary>
        public Dictionary<string, int> ReportedPids { get; } = [];

        public static AppHostProcess Start()
        {
            var dataDirectory = Path.Combine(RepositoryRoot.Path, ".test-data", $"apphost-{Guid.NewGuid():N}");
            var configuration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(RepositoryRoot.Path, ".artifacts", "bin", "AskVideo.AppHost", configuration, "AskVideo.AppHost.dll");
            // SIGINT back to its default: a test runner started in the background may ignore it, and children inherit that.
            var startInfo = new ProcessStartInfo("env")
            {
                ArgumentList =
                {
                    "--default-signal=INT", "dotnet", dll,
                    $"--AppHost:DataDirectory={dataDirectory}",
                    $"--AppHost:ApiPort={LoopbackPort.PickFree()}",
                    "--AppHost:ReadyTimeoutSeconds=150",
                },
                WorkingDirectory = RepositoryRoot.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            startInfo.Environment.Remove("ConnectionStrings__postgres");
            startInfo.Environment.Remove("ConnectionStrings__redis");

            var appHost = new AppHostProcess(Process.Start(startInfo)!, dataDirectory);
            appHost._process.OutputDataReceived += (_, e) => appHost.OnLine(e.Data);
            appHost._process.ErrorDataReceived += (_, e) => appHost.OnLine(e.Data);
            appHost._process.BeginOutputReadLine();
            appHost._process.BeginErrorReadLine();
            return appHost;
        }

        public async Task WaitUntilReadyAsync(TimeSpan timeout)
        {
            var finished = await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(Ct), Task.Delay(timeout, Ct));
            if (finished != _ready.Task)
            {
                Assert.Fail($"The AppHost did not get ready ({(_process.HasExited ? $"exit code {_process.ExitCode}" : "timed out")}):\n{Output}");
            }
        }

        /// <summary>The AppHost and all its descendants now, as pid and start time (to tell a reused pid apart).</summary>
        public Dictionary<int, long> ProcessTree() => LinuxProcess.Descendants(_process.Id);

        /// <summary>Sends SIGINT (what Ctrl+C sends) and returns the exit code.</summary>
        public async Task<int> InterruptAsync(TimeSpan timeout)
        {
            Assert.Equal(0, SendSignal(_process.Id, 2));
            try
            {
                await _process.WaitForExitAsync(Ct).WaitAsync(timeout, Ct);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"The AppHost did not stop within {timeout}:\n{Output}");
            }
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                // Its children stop too: they get a signal when their parent dies.
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            TestContext.Current.TestOutputHelper?.WriteLine(Output);
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover folder under .test-data is harmless.
            }
        }

        private string Output => string.Join('\n', _output);

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            _output.Enqueue(line);
            if (StartedLine().Match(line) is { Success: true } started)
            {
                ReportedPids[started.Groups["name"].Value] = int.Parse(started.Groups["pid"].Value, CultureInfo.InvariantCulture);
            }
            else if (UrlLine().Match(line) is { Success: true } url)
            {
                if (url.Groups["what"].Value == "API")
                {
                    ApiUrl = url.Groups["url"].Value;
                }
                else
                {
                    WorkerHealthUrl = url.Groups["url"].Value;
                }
            }
            else if (line == "[apphost] Press Ctrl+C to stop.")
            {
                _ready.TrySetResult();
            }
        }

        [GeneratedRegex(@"^\[apphost\] started (?<name>\w+): pid (?<pid>\d+)")]
        private static partial Regex StartedLine();

        [GeneratedRegex(@"^\[apphost\]\s+(?<what>API|Worker health)\s+(?<url>http\S+)$")]
        private static partial Regex UrlLine();

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int SendSignal(int pid, int signal);
    }

    /// <summary>Reads <c>/proc</c>: which processes descend from which, and whether one still runs.</summary>
    private static class LinuxProcess
    {
        public static Dictionary<int, long> Descendants(int root)
        {
            var all = Directory.GetDirectories("/proc")
                .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? Stat(pid) : null)
                .OfType<ProcessStat>()
                .ToList();
            var tree = new Dictionary<int, long>();
            var queue = new Queue<int>([root]);
            while (queue.TryDequeue(out var pid))
            {
                foreach (var child in all.Where(process => process.ParentPid == pid))
                {
                    if (tree.TryAdd(child.Pid, child.StartTime))
                    {
                        queue.Enqueue(child.Pid);
                    }
                }
            }
            tree[root] = all.Single(process => process.Pid == root).StartTime;
            return tree;
        }

        /// <summary>True if <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> and is not a zombie.</summary>
        public static bool IsRunning(int pid, long startTime) =>
            Stat(pid) is { } stat && stat.StartTime == startTime && stat.State != 'Z';

        private static ProcessStat? Stat(int pid)
        {
            try
            {
                // "pid (comm) state ppid ..." where comm may hold spaces and parentheses: split after the last ')'.
                var text = File.ReadAllText($"/proc/{pid}/stat");
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                return new ProcessStat(
                    pid,
                    fields[0][0],
                    int.Parse(fields[1], CultureInfo.InvariantCulture),
                    long.Parse(fields[19], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                return null;
            }
        }

        private sealed record ProcessStat(int Pid, char State, int ParentPid, long StartTime);
    }
}
