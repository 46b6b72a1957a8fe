using AskVideo.LocalServers;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AskVideo.Tests.Web;

/// <summary>The Api whose mailed and shared links open the web app at <paramref name="webUrl"/>.</summary>
public sealed class FrontEndApiFactory(TestServices services, string webUrl) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:LinkBaseUrl"] = webUrl,
        ["Sharing:LinkBaseUrl"] = webUrl,
    };
}

/// <summary>
/// Everything a browser test needs, shared by one test class: the real Api and Worker (with a fake
/// transcription service), the web app in front of them, and one headless Chromium (Debian's).
/// Each test opens its own browser context, so cookies never cross tests.
/// </summary>
public class WebStack(TestServices services) : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Generous: a loaded two-core machine runs these, and the waits end as soon as the page is right.</summary>
    public static readonly float Timeout = 60_000;

    private readonly int _webPort = LoopbackPort.PickFree();
    private IPlaywright? _playwright;

    public FrontEndApiFactory Api { get; private set; } = null!;
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public InProcessWorker Worker { get; private set; } = null!;
    public WebAppFactory Web { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public TestServices Servers => services;
    public string WebUrl => Web.Url;

    /// <summary>The web app's clock; null is the system's.</summary>
    protected virtual TimeProvider? WebTime => null;

    public async ValueTask InitializeAsync()
    {
        Api = new FrontEndApiFactory(services, $"http://127.0.0.1:{_webPort}");
        await Api.InitializeAsync();
        OpenAi = await FakeOpenAiServer.StartAsync();
        OpenAi.Transcriptions.Answer = SpokenClips.TranscribeAsync;
        Worker = WorkerHost.StartInProcess(services, new WorkerSettings(Api.DatabaseConnectionString, Api.MediaRoot)
        {
            Transcription = OpenAi.ConnectionString(),
        });
        var apiUrl = Api.CreateClient().BaseAddress!.ToString().TrimEnd('/');
        Web = new WebAppFactory(apiUrl, _webPort, WebTime);
        Web.Start();
        Assertions.SetDefaultExpectTimeout(Timeout);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    /// <summary>
    /// A fresh browser context (no cookies) on the web app, with the generous timeouts. What the
    /// browser reports (console, script errors, failed or refused requests) goes to the test's output,
    /// so a failure shows what the page went through.
    /// </summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = WebUrl });
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        var page = await context.NewPageAsync();
        BrowserLog.Attach(page, TestContext.Current.TestOutputHelper);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }
        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }
        if (OpenAi is not null)
        {
            await OpenAi.DisposeAsync();
        }
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
