using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AskVideo.Benchmarks;

/// <summary>
/// The whole system as a user runs it: the AppHost (Release build) with its own data folder, its
/// PostgreSQL, Redis, Api and Worker, and one signed-in account.
/// </summary>
internal sealed partial class SystemUnderTest : IAsyncDisposable
{
    private readonly Process _appHost;
    private readonly ConcurrentQueue<string> _output = new();

    public string DataDirectory { get; }
    public string ApiUrl { get; private set; } = "";
    public string WebUrl { get; private set; } = "";
    public string Username { get; private set; } = "";
    public string Password { get; private set; } = "";
    public string PostgresConnectionString { get; private set; } = "";
    public int ApiPid { get; private set; }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(30) };

    private SystemUnderTest(string repositoryRoot, IReadOnlyDictionary<string, string> environment)
    {
        DataDirectory = Path.Combine(repositoryRoot, ".test-data", $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(repositoryRoot, ".artifacts/bin/AskVideo.AppHost/release/AskVideo.AppHost.dll"),
                $"--AppHost:DataDirectory={DataDirectory}",
                $"--AppHost:ApiPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
                // The machine's binaries: the figures are the product's, not a container runtime's.
                "--AppHost:Servers=Local",
            },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Its own dashboard ports, beside any AppHost a developer is running.
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        start.Environment["Email__PickupDirectory"] = Path.Combine(DataDirectory, "mail");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["RateLimits__Auth__LoginPermits"] = "1000";
        start.Environment["RateLimits__Auth__EmailPermits"] = "1000";
        // A benchmark measures the embeddings it names (ConnectionStrings__embeddings), not the AppHost's local default.
        start.Environment["AppHost__LocalEmbeddings"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        _appHost = Process.Start(start) ?? throw new InvalidOperationException("The AppHost did not start.");
        _appHost.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _appHost.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _appHost.BeginOutputReadLine();
        _appHost.BeginErrorReadLine();
    }

    public static async Task<SystemUnderTest> StartAsync(string repositoryRoot, IReadOnlyDictionary<string, string> environment)
    {
        var system = new SystemUnderTest(repositoryRoot, environment);
        await system.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await system.SignInAsync();
        return system;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in _output)
            {
                if (UrlLine().Match(line) is { Success: true } url)
                {
                    if (url.Groups["what"].Value == "API")
                    {
                        ApiUrl = url.Groups["value"].Value;
                    }
                    else if (url.Groups["what"].Value == "Web app")
                    {
                        WebUrl = url.Groups["value"].Value;
                    }
                    else
                    {
                        PostgresConnectionString = url.Groups["value"].Value;
                    }
                }
                if (line.Contains("Press Ctrl+C", StringComparison.Ordinal))
                {
                    Http.BaseAddress = new Uri(ApiUrl);
                    ApiPid = FindListeningProcess("AskVideo.Api", Http.BaseAddress.Port);
                    return;
                }
            }
            if (_appHost.HasExited)
            {
                throw new InvalidOperationException("The AppHost stopped:\n" + string.Join('\n', _output));
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The AppHost was not ready in time:\n" + string.Join('\n', _output));
    }

    private async Task SignInAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var (username, email, password) = ($"bench_{id}", $"bench_{id}@example.com", "benchmark-password");
        (Username, Password) = (username, password);
        (await Http.PostAsJsonAsync("/api/auth/signup/", new { username, email, password })).EnsureSuccessStatusCode();
        var mail = Directory.EnumerateFiles(Path.Combine(DataDirectory, "mail"), "*.eml").Select(File.ReadAllText)
            .Single(text => text.Contains(email, StringComparison.Ordinal));
        var link = LinkPattern().Match(mail);
        (await Http.PostAsJsonAsync("/api/auth/verify-email/", new { uid = link.Groups["uid"].Value, token = link.Groups["token"].Value }))
            .EnsureSuccessStatusCode();
        var login = await Http.PostAsJsonAsync("/api/auth/login/", new { username, password });
        var tokens = JsonNode.Parse(await login.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        Http.DefaultRequestHeaders.Authorization = new("Bearer", tokens["access"]!.GetValue<string>());
    }

    /// <summary>Resident memory of the Api process, in bytes (VmRSS).</summary>
    public long ApiResidentBytes() => ResidentBytes(ApiPid);

    /// <summary>The web app's process id.</summary>
    public int WebPid() => FindListeningProcess("AskVideo.Web", new Uri(WebUrl).Port);

    /// <summary>Resident memory of a process, in bytes (VmRSS).</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("VmRSS not found.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_appHost.HasExited)
        {
            Process.Start("kill", ["-TERM", _appHost.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            await _appHost.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _appHost.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The service's process: the one whose <c>ASPNETCORE_URLS</c> names <paramref name="port"/> (the AppHost
    /// runs it through DCP, so it is not a direct child of anything we started).
    /// </summary>
    private static int FindListeningProcess(string program, int port)
    {
        var url = $"ASPNETCORE_URLS=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0')[0];
                if (Path.GetFileName(command) == program
                    && File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(url))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        throw new InvalidOperationException($"No {program} process with {url} found.");
    }

    [GeneratedRegex(@"^\s+(?<what>API|Web app|PostgreSQL):\s+(?<value>\S+)$")]
    private static partial Regex UrlLine();

    [GeneratedRegex(@"uid=(?<uid>\d+)&token=(?<token>[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkPattern();
}
