using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AskVideo.LocalServers;
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
        await appHost.WaitUntilReadyAsync(TimeSpan.FromMinutes(4));

        await AssertHealthyAsync(appHost.ApiUrl + "/health");
        await AssertHealthyAsync(appHost.WorkerHealthUrl);
        await AssertSignupMailsAVerificationLinkAsync(appHost.ApiUrl, Path.Combine(appHost.DataDirectory, "mail"));
        await AssertDashboardAnswersAsync(appHost.DashboardUrl);
        await AssertLocalEmbeddingsAnswerAsync(appHost.EmbeddingsUrl);

        var started = appHost.ProcessTree();
        var programs = started.Values.Select(process => process.Program).ToList();
        Assert.Contains("postgres", programs);
        Assert.Contains("redis-server", programs);
        Assert.Contains("AskVideo.Api", programs);
        Assert.Contains("AskVideo.Worker", programs);
        // No embeddings provider is configured, so the local one runs.
        Assert.Contains("AskVideo.Embeddings", programs);
        Assert.Contains("Aspire.Dashboard", programs);
        Assert.Contains("dcp", programs);

        var exitCode = await appHost.InterruptAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, exitCode);
        // DCP stops the resources it runs after the AppHost has gone: give it a while, not forever.
        var survivors = await LinuxProcess.WaitForExitAsync(started, TimeSpan.FromMinutes(1));
        Assert.Empty(survivors);
    }

    private static async Task AssertDashboardAnswersAsync(string loginUrl)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(loginUrl, Ct);
        Assert.True((int)response.StatusCode is >= 200 and < 400, $"{loginUrl}: {(int)response.StatusCode}");
    }

    /// <summary>No embeddings provider is configured: the AppHost printed the local service's address, and it answers.</summary>
    private static async Task AssertLocalEmbeddingsAnswerAsync(string embeddingsUrl)
    {
        Assert.StartsWith("http://127.0.0.1:", embeddingsUrl);
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{embeddingsUrl}/embeddings", new { input = "hello" }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{embeddingsUrl}: {(int)response.StatusCode} {body}");
        Assert.Equal(384, JsonNode.Parse(body)!["data"]![0]!["embedding"]!.AsArray().Count);
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
        var report = JsonNode.Parse(body)!;
        Assert.Equal("Healthy", report["status"]?.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]?["AppDbContext"]?["status"]?.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]?["StackExchange.Redis"]?["status"]?.GetValue<string>());
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

        public string DashboardUrl { get; private set; } = "";

        public string EmbeddingsUrl { get; private set; } = "";

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
                    // The path CI and this machine have: no container runtime.
                    "--AppHost:Servers=Local",
                },
                WorkingDirectory = RepositoryRoot.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            startInfo.Environment.Remove("ConnectionStrings__askvideo");
            startInfo.Environment.Remove("ConnectionStrings__redis");
            // Its own dashboard ports, so that a developer's running AppHost does not matter.
            startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPort.PickFree()}";
            startInfo.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPort.PickFree()}";

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

        /// <summary>
        /// The AppHost, its descendants, and DCP with everything it runs (DCP detaches from the AppHost and
        /// watches it by pid: <c>--monitor PID</c>).
        /// </summary>
        public Dictionary<int, LinuxProcess.Identity> ProcessTree() => LinuxProcess.TreeOf(_process.Id);

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
            if (UrlLine().Match(line) is { Success: true } url)
            {
                switch (url.Groups["what"].Value)
                {
                    case "API":
                        ApiUrl = url.Groups["url"].Value;
                        break;
                    case "Worker health":
                        WorkerHealthUrl = url.Groups["url"].Value;
                        break;
                    case "Dashboard":
                        DashboardUrl = url.Groups["url"].Value;
                        break;
                    case "Embeddings":
                        EmbeddingsUrl = url.Groups["url"].Value;
                        break;
                }
            }
            else if (line == "Press Ctrl+C to stop.")
            {
                _ready.TrySetResult();
            }
        }

        [GeneratedRegex(@"^\s+(?<what>API|Worker health|Dashboard|Embeddings):\s+(?<url>http\S+)( \(.*\))?$")]
        private static partial Regex UrlLine();

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int SendSignal(int pid, int signal);
    }

    /// <summary>Reads <c>/proc</c>: which processes descend from which, and whether one still runs.</summary>
    private static class LinuxProcess
    {
        /// <summary>A process as it was seen: its start time tells a reused pid apart.</summary>
        public sealed record Identity(long StartTime, string Program);

        public static Dictionary<int, Identity> TreeOf(int appHost)
        {
            var all = Directory.GetDirectories("/proc")
                .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? Stat(pid) : null)
                .OfType<ProcessStat>()
                .ToList();
            var roots = all.Where(process => process.Pid == appHost || IsDcpWatching(process.Pid, appHost)).Select(process => process.Pid);
            var tree = new Dictionary<int, Identity>();
            var queue = new Queue<int>(roots);
            while (queue.TryDequeue(out var pid))
            {
                if (all.FirstOrDefault(process => process.Pid == pid) is { } root)
                {
                    tree.TryAdd(pid, new Identity(root.StartTime, Program(pid)));
                }
                foreach (var child in all.Where(process => process.ParentPid == pid))
                {
                    if (tree.TryAdd(child.Pid, new Identity(child.StartTime, Program(child.Pid))))
                    {
                        queue.Enqueue(child.Pid);
                    }
                }
            }
            return tree;
        }

        /// <summary>Polls until every process of <paramref name="processes"/> has exited; returns those still running.</summary>
        public static async Task<List<string>> WaitForExitAsync(Dictionary<int, Identity> processes, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var running = processes.Where(process => IsRunning(process.Key, process.Value.StartTime))
                    .Select(process => $"{process.Key} {process.Value.Program}")
                    .ToList();
                if (running.Count == 0 || deadline.Elapsed > timeout)
                {
                    return running;
                }
                await Task.Delay(500, Ct);
            }
        }

        /// <summary>True if <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> and is not a zombie.</summary>
        private static bool IsRunning(int pid, long startTime) =>
            Stat(pid) is { } stat && stat.StartTime == startTime && stat.State != 'Z';

        private static bool IsDcpWatching(int pid, int appHost)
        {
            var arguments = Arguments(pid);
            var monitor = Array.IndexOf(arguments, "--monitor");
            return arguments.Length > 0 && Path.GetFileName(arguments[0]) == "dcp"
                && monitor > 0 && monitor + 1 < arguments.Length
                && arguments[monitor + 1] == appHost.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>The program's file name: <c>postgres</c>, <c>redis-server</c>, <c>AskVideo.Api</c>, <c>dcp</c>, ...</summary>
        private static string Program(int pid) =>
            Arguments(pid) is [var first, ..] ? Path.GetFileName(first).Split(' ')[0].TrimEnd(':') : "";

        private static string[] Arguments(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                return [];
            }
        }

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
