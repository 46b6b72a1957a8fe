using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using AskVideo.Benchmarks.Faults;
using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Benchmarks;

/// <summary>
/// P8: requests per second of an authenticated <c>GET /api/videos/{id}/</c> (a 5-minute lecture with
/// its transcript, about 10 KB) against a bare endpoint of the same app that runs the same primary-key
/// query with no authentication, authorization, signing or mapping (target: at least 40% of bare).
/// The Api runs in this process with endpoints of the benchmark's own in front of its pipeline, so
/// the product never ships them; <c>wrk -t2 -c32</c> is the load (<c>--seconds N</c> per run, default 10).
/// Steps between the two show where the time goes: the query alone, the query and JSON, the same
/// with the JWT validated, <c>/api/auth/me/</c> (authentication, authorization and the account check
/// over a small query) and <c>/alive</c> (the pipeline with no work).
/// </summary>
internal static partial class DetailBenchmark
{
    public static async Task RunAsync(string root, IReadOnlyList<string> options)
    {
        var seconds = options is ["--seconds", var s] ? int.Parse(s, CultureInfo.InvariantCulture) : 10;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = cancel.Token;
        await using var servers = await DataServers.StartAsync(root, ct);
        var database = await servers.Postgres.CreateDatabaseAsync("p8", ct);
        await DatabaseRegistration.MigrateAsync(database, ct);
        var directory = Path.Combine(servers.Directory, "p8");
        await using var api = new InProcessApi(new Dictionary<string, string?>
        {
            ["ConnectionStrings:askvideo"] = database,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)),
            ["Jwt:AccessTokenLifetime"] = "01:00:00",
            ["MediaUrls:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)),
            ["Email:PickupDirectory"] = Path.Combine(directory, "mail"),
            ["Media:Root"] = Path.Combine(directory, "media"),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        api.UseKestrel(0);
        api.StartServer();
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var token = await Deployment.SignUpAsync(http, Path.Combine(directory, "mail"), "p8", ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var userId = JsonDocument.Parse(await http.GetStringAsync("/api/auth/me/", ct)).RootElement.GetProperty("id").GetInt32();
        var videoId = await StoreLectureAsync(api.Services, userId, ct);

        var detail = await http.GetAsync($"/api/videos/{videoId}/", ct);
        var detailBytes = (await detail.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync(ct)).Length;
        var bareBytes = (await http.GetByteArrayAsync($"/bench/bare/{videoId}", ct)).Length;
        Console.WriteLine($"detail: video {videoId}, 5 min, {detailBytes} bytes from /api/videos/{{id}}/, {bareBytes} bytes from the bare endpoint");

        var runs = new (string Name, string Path, bool Authorized)[]
        {
            ("bare: query + entity JSON", $"/bench/bare/{videoId}", false),
            ("authenticated GET /api/videos/{id}/", $"/api/videos/{videoId}/", true),
            ("bare: query only, no body", $"/bench/query/{videoId}", false),
            ("bare, one joined read (the detail's read before)", $"/bench/join/{videoId}", false),
            ("bare + JWT validated", $"/bench/jwt/{videoId}", true),
            ("GET /api/auth/me/", "/api/auth/me/", true),
            ("GET /alive", "/alive", false),
            ("bare: query + entity JSON (again)", $"/bench/bare/{videoId}", false),
            ("authenticated GET /api/videos/{id}/ (again)", $"/api/videos/{videoId}/", true),
        };
        // Warm up first: JIT, EF's compiled queries and the connection pools, for every path.
        foreach (var (_, path, authorized) in runs.DistinctBy(r => r.Path))
        {
            await WrkAsync(address.TrimEnd('/') + path, authorized ? token : null, 3, ct);
        }
        var results = new List<(string Name, double Rps)>();
        foreach (var (name, path, authorized) in runs)
        {
            var (rps, non2xx, latency) = await WrkAsync(address.TrimEnd('/') + path, authorized ? token : null, seconds, ct);
            results.Add((name, rps));
            Console.WriteLine($"detail: {name,-50} {rps,8:0} req/s  (avg latency {latency}, non-2xx {non2xx}, load average {LoadAverage()})");
        }
        var bare = results.Where(r => r.Name.StartsWith("bare: query + entity", StringComparison.Ordinal)).Average(r => r.Rps);
        var full = results.Where(r => r.Name.StartsWith("authenticated", StringComparison.Ordinal)).Average(r => r.Rps);
        Console.WriteLine($"detail: authenticated {full:0} req/s = {full / bare:P0} of bare {bare:0} req/s (target >= 40%)");
    }

    /// <summary>A completed 5-minute lecture of 60 five-second segments, straight into the database.</summary>
    private static async Task<int> StoreLectureAsync(IServiceProvider services, int ownerId, CancellationToken ct)
    {
        string[] words = ["gradient", "descent", "learning", "rate", "minimum", "loss", "function", "step", "slope", "converges", "parameters", "update"];
        var random = new Random(8);
        var segments = Enumerable.Range(0, 60).Select(i => new TranscriptSegment
        {
            Index = i,
            Start = i * 5,
            End = i * 5 + 5,
            Text = string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)])) + ".",
        }).ToList();
        var now = DateTimeOffset.UtcNow;
        var video = new Video
        {
            OwnerId = ownerId,
            Title = "Gradient descent, lecture 3",
            Description = "Why the learning rate matters.",
            Status = VideoStatus.Completed,
            OriginalFileName = "lecture.mp4",
            StorageKey = "bench/lecture.mp4",
            ContentType = "video/mp4",
            SizeBytes = 40_000_000,
            DurationSeconds = 300,
            HasVideoTrack = true,
            TranscriptText = string.Join(' ', segments.Select(s => s.Text)),
            Language = "en",
            CreatedAt = now,
            UpdatedAt = now,
            Segments = segments,
        };
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.Videos.Add(video);
        await db.SaveChangesAsync(ct);
        return video.Id;
    }

    private static async Task<(double Rps, long Non2xx, string Latency)> WrkAsync(string url, string? token, int seconds, CancellationToken ct)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", "-c32", $"-d{seconds}s" })
        {
            start.ArgumentList.Add(argument);
        }
        if (token is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {token}");
        }
        start.ArgumentList.Add(url);
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var output = await wrk.StandardOutput.ReadToEndAsync(ct);
        await wrk.WaitForExitAsync(ct);
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var latency = Latency().Match(output).Groups[1].Value;
        return (rps, non2xx, latency);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Latency\s+(\S+)")]
    private static partial Regex Latency();

    /// <summary>The Api as it runs in production, with the benchmark's endpoints in front of its pipeline.</summary>
    private sealed class InProcessApi(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<AskVideo.Api.Auth.TokenService>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, BareEndpoints>());
        }
    }

    /// <summary>
    /// <c>/bench/bare/{id}</c>: the detail's primary-key query (video and its segments), written as the
    /// entity's JSON: no authentication, authorization, signing or mapping. <c>/bench/query/{id}</c>: the
    /// query alone. <c>/bench/jwt/{id}</c>: the bare endpoint behind the JWT's validation.
    /// <c>/bench/join/{id}</c>: the bare endpoint with the video and its segments in one joined read.
    /// </summary>
    private sealed class BareEndpoints : IStartupFilter
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/bench/bare", bare => bare.Run(async http => await WriteVideoAsync(http, body: true)));
            app.Map("/bench/query", query => query.Run(async http => await WriteVideoAsync(http, body: false)));
            app.Map("/bench/join", join => join.Run(async http => await WriteVideoAsync(http, body: true, joined: true)));
            app.Map("/bench/jwt", jwt => jwt.Run(async http =>
            {
                if (!(await http.AuthenticateAsync()).Succeeded)
                {
                    http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }
                await WriteVideoAsync(http, body: true);
            }));
            next(app);
        };

        private static async Task WriteVideoAsync(HttpContext http, bool body, bool joined = false)
        {
            var id = int.Parse(http.Request.Path.Value!.Trim('/'), CultureInfo.InvariantCulture);
            var db = http.RequestServices.GetRequiredService<AppDbContext>();
            var videos = db.Videos.AsNoTracking().Include(v => v.Segments);
            // As the detail endpoint reads it (two reads: the video, then its segments); joined, as it did before.
            var video = await (joined ? videos : videos.AsSplitQuery()).SingleOrDefaultAsync(v => v.Id == id, http.RequestAborted);
            if (video is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (body)
            {
                await http.Response.WriteAsJsonAsync(video, Json, http.RequestAborted);
            }
        }
    }
}
