using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The video page (/videos/{id}): player, transcript beside it, edits and downloads.</summary>
public sealed class VideoPageTests(WebStack web) : IClassFixture<WebStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Clicking_a_transcript_line_seeks_the_player_there_and_marks_the_line_as_current()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        var id = await web.CompletedVideoAsync(account, ".wav", "river.wav", Ct);
        await page.GotoAsync("/");
        // As a person would: the library has come to life before its link is followed, so the next
        // page is not handed to a live connection still starting.
        await page.WaitForInteractiveAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "river" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{web.WebUrl}/videos/{id}");
        await page.WaitForInteractiveAsync();
        await page.Locator("video.player[data-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var line = page.Locator("#transcript li", new() { HasText = "near the river bank" });
        Assert.Equal(0, await page.EvaluateAsync<double>("() => document.querySelector('video.player').currentTime"));

        await line.GetByRole(AriaRole.Button, new() { Name = "near the river bank" }).ClickAsync();

        // The line starts at 3.0 s; playing on from there stays inside the 4.5 s clip.
        await page.WaitForFunctionAsync("() => { const t = document.querySelector('video.player').currentTime; return t >= 2.95 && t <= 4.6; }");
        await Expect(line).ToHaveAttributeAsync("aria-current", "true");
    }

    [Fact]
    public async Task An_edited_line_is_saved_and_the_transcript_downloads_as_srt_vtt_and_txt()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        var id = await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await page.GotoAsync($"/videos/{id}");
        await page.WaitForInteractiveAsync();

        var first = page.Locator("#transcript li").First;
        await first.GetByRole(AriaRole.Button, new() { Name = "Edit the line at 0:00" }).ClickAsync();
        await first.GetByRole(AriaRole.Textbox).FillAsync("The quick red fox");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(first).ToContainTextAsync("The quick red fox");
        await page.ReloadAsync();
        await Expect(page.Locator("#transcript li").First).ToContainTextAsync("The quick red fox");
        Assert.Contains("00:00:00,000 --> 00:00:01,500", await DownloadAsync(page, "SRT"), StringComparison.Ordinal);
        Assert.StartsWith("WEBVTT", await DownloadAsync(page, "VTT"), StringComparison.Ordinal);
        Assert.Contains("The quick red fox", await DownloadAsync(page, "TXT"), StringComparison.Ordinal);
    }

    private static async Task<string> DownloadAsync(IPage page, string format)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = format, Exact = true }).ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path, Ct);
    }
}
