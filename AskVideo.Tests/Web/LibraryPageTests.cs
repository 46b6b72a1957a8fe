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
    public async Task A_file_that_is_not_media_shows_the_servers_415_message()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);

        await page.UploadAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "just some notes\n"u8.ToArray() });

        var upload = page.Locator(".upload", new() { HasText = "notes.txt" });
        await Expect(upload.GetByRole(AriaRole.Alert)).ToContainTextAsync("Accepted:");
        await Expect(page.Locator(".video")).ToHaveCountAsync(0);
    }
}
