using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The library page (/) in a real Chromium: accounts, uploads and live status.</summary>
public sealed class LibraryPageTests(WebStack web) : IClassFixture<WebStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_account_verified_by_its_mailed_link_uploads_two_clips_and_sees_both_completed()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignUpAndVerifyAsync(web);
        await page.SignInAsync(account);

        await page.UploadAsync(
            await BrowserSteps.FileAsync(await web.ClipAsync(".mp3", Ct), "fox.mp3", "audio/mpeg"),
            await BrowserSteps.FileAsync(await web.ClipAsync(".wav", Ct), "river.wav", "audio/wav"));

        await Expect(page.Locator(".upload")).ToHaveCountAsync(2);
        await Expect(page.Locator(".video")).ToHaveCountAsync(2);
        await Expect(page.Locator(".video", new() { HasText = "fox" }).Locator(".status")).ToHaveTextAsync("completed");
        await Expect(page.Locator(".video", new() { HasText = "river" }).Locator(".status")).ToHaveTextAsync("completed");
    }

    [Fact]
    public async Task A_clip_dropped_on_the_drop_zone_is_uploaded_and_reaches_completed()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);
        var clip = await File.ReadAllBytesAsync(await web.ClipAsync(".wav", Ct), Ct);
        await page.Locator(".dropzone[data-ready]").WaitForAsync();

        // What the browser hands the page when a file from the desktop is dropped on it.
        var transfer = await page.EvaluateHandleAsync("""
            ([name, type, base64]) => {
                const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], name, { type }));
                return transfer;
            }
            """, new object[] { "dropped.wav", "audio/wav", Convert.ToBase64String(clip) });
        var zone = page.Locator(".dropzone");
        await zone.DispatchEventAsync("dragover", new { dataTransfer = transfer });
        await Expect(zone).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bover\b"));
        await zone.DispatchEventAsync("drop", new { dataTransfer = transfer });

        await Expect(zone).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bover\b"));
        await Expect(page.Locator(".upload", new() { HasText = "dropped.wav" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".video", new() { HasText = "dropped" }).Locator(".status")).ToHaveTextAsync("completed");
    }

    [Fact]
    public async Task Following_a_link_loads_the_next_page_afresh_with_its_own_live_connection()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "lake.wav", Ct);
        await page.GotoAsync("/");
        await page.EvaluateAsync("() => { window.previousPage = true; }");

        // At once, before the library's own live connection may have finished starting.
        await page.GetByRole(AriaRole.Link, new() { Name = "lake" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/videos/"));
        await page.WaitForInteractiveAsync();

        Assert.False(await page.EvaluateAsync<bool>("() => window.previousPage === true"), "The video page is a new document.");
        await Expect(page.Locator("video.player[data-ready]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_file_that_is_not_media_shows_the_servers_415_message()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);

        await page.UploadAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "just some notes\n"u8.ToArray() });

        var upload = page.Locator(".upload", new() { HasText = "notes.txt" });
        await Expect(upload.GetByRole(AriaRole.Alert)).ToContainTextAsync("Accepted:");
        await Expect(page.Locator(".video")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_failed_transcription_shows_the_servers_message_and_retranscribe_completes_it()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);
        web.OpenAi.Transcriptions.FailNext(-1, 400);
        try
        {
            await page.UploadAsync(await BrowserSteps.FileAsync(await web.ClipAsync(".wav", Ct), "broken.wav", "audio/wav"));
            var row = page.Locator(".video", new() { HasText = "broken" });
            await Expect(row.Locator(".status")).ToHaveTextAsync("error");
            await Expect(row.Locator(".problem")).Not.ToBeEmptyAsync();
        }
        finally
        {
            web.OpenAi.Transcriptions.FailNext(0);
        }

        await page.Locator(".video", new() { HasText = "broken" }).GetByRole(AriaRole.Button, new() { Name = "Retranscribe" }).ClickAsync();

        await Expect(page.Locator(".video", new() { HasText = "broken" }).Locator(".status")).ToHaveTextAsync("completed");
    }

    [Fact]
    public async Task Videos_are_searched_renamed_and_deleted_from_the_library()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await web.CompletedVideoAsync(account, ".wav", "river.wav", Ct);
        await page.GotoAsync("/");
        await page.WaitForInteractiveAsync();
        var titles = page.Locator(".video .title");
        await Expect(titles).ToHaveTextAsync(["river", "fox"]);

        await page.GetByLabel("Search titles").FillAsync("fox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(titles).ToHaveTextAsync(["fox"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename fox" }).ClickAsync();
        await page.GetByLabel("New title").FillAsync("Quick fox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(titles).ToHaveTextAsync(["Quick fox"]);

        await page.GetByLabel("Search titles").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(titles).ToHaveTextAsync(["river", "Quick fox"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete river" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Really delete" }).ClickAsync();
        await Expect(titles).ToHaveTextAsync(["Quick fox"]);
        await page.ReloadAsync();
        await Expect(titles).ToHaveTextAsync(["Quick fox"]);
    }
}
