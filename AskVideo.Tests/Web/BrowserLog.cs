using System.Diagnostics;
using Microsoft.Playwright;

namespace AskVideo.Tests.Web;

/// <summary>
/// Writes what a page's browser reports to the test's output, with the time since the page opened:
/// navigations, console messages, script errors, and requests that failed or were refused.
/// </summary>
public static class BrowserLog
{
    public static void Attach(IPage page, ITestOutputHelper? output)
    {
        if (output is null)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        void Write(string line)
        {
            try
            {
                output.WriteLine($"[browser +{clock.Elapsed.TotalSeconds:F2}s] {line}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended; the page outlived it (its context closes with the browser).
            }
        }

        page.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                Write($"at {frame.Url}");
            }
        };
        page.Console += (_, message) => Write($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => Write($"script error: {error}");
        page.RequestFailed += (_, request) => Write($"request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Write($"response {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }
}
