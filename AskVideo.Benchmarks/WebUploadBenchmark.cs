using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace AskVideo.Benchmarks;

/// <summary>
/// Upload of a 1 GiB file as the browser sends it: to the web app's origin, with its session cookie,
/// through its proxy to the Api. Throughput, and how much the resident memory of the web app and of
/// the Api grows while the body streams through both (target: flat, under 64 MB of growth each).
/// </summary>
internal static partial class WebUploadBenchmark
{
    private const int Runs = 3;

    public static async Task RunAsync(string root, BenchMedia media)
    {
        var file = await media.OneGibibyteWavAsync();
        var size = new FileInfo(file).Length;
        await using var system = await SystemUnderTest.StartAsync(root, new Dictionary<string, string>
        {
            ["Uploads__MaxFileBytes"] = (4L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__Concurrency"] = "1",
        });
        using var browser = await SignInAtWebAsync(system);
        var webPid = system.WebPid();

        for (var run = 1; run <= Runs; run++)
        {
            var (webBefore, apiBefore) = (SystemUnderTest.ResidentBytes(webPid), system.ApiResidentBytes());
            var (webPeak, apiPeak) = (webBefore, apiBefore);
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    webPeak = Math.Max(webPeak, SystemUnderTest.ResidentBytes(webPid));
                    apiPeak = Math.Max(apiPeak, system.ApiResidentBytes());
                    await Task.Delay(20);
                }
            });

            var timer = Stopwatch.StartNew();
            await using (var stream = File.OpenRead(file))
            {
                using var content = new MultipartFormDataContent();
                var fileContent = new StreamContent(stream, 256 * 1024);
                fileContent.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                content.Add(fileContent, "file", "big.wav");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/videos/") { Content = content };
                // What the web app's own script sends with every write.
                request.Headers.Add("X-AskVideo-Request", "1");
                using var response = await browser.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"upload through the web app failed: {(int)response.StatusCode} {body}");
                }
                timer.Stop();
                var id = System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<int>();
                await sampling.CancelAsync();
                await sampler;
                (await system.Http.DeleteAsync($"/api/videos/{id}/")).EnsureSuccessStatusCode();
            }

            Console.WriteLine(
                $"web upload run {run}: {size / (1 << 20)} MiB in {timer.Elapsed.TotalSeconds:0.00} s = {size / 1e6 / timer.Elapsed.TotalSeconds:0} MB/s; " +
                $"web RSS {webBefore / (1 << 20)} MiB before, growth {(webPeak - webBefore) / (1 << 20)} MiB; " +
                $"Api RSS {apiBefore / (1 << 20)} MiB before, growth {(apiPeak - apiBefore) / (1 << 20)} MiB");
        }
    }

    /// <summary>Signs in on the web app's sign-in form, as a browser does; the client keeps the session cookie.</summary>
    private static async Task<HttpClient> SignInAtWebAsync(SystemUnderTest system)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(system.WebUrl),
            Timeout = TimeSpan.FromMinutes(30),
        };
        var form = await browser.GetStringAsync("/signin");
        var antiforgery = AntiforgeryField().Match(form).Groups["value"].Value;
        using var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = antiforgery,
            ["Form.Username"] = system.Username,
            ["Form.Password"] = system.Password,
        }));
        // Signed in: redirected to the library (a failed sign-in shows the form again, with 200).
        var target = response.Headers.Location is { } location ? new Uri(browser.BaseAddress, location).AbsolutePath : null;
        if (response.StatusCode != HttpStatusCode.Redirect || target != "/")
        {
            throw new InvalidOperationException($"Signing in at the web app failed: {(int)response.StatusCode} {target}");
        }
        return browser;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
