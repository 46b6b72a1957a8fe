using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The ask page (/groups/{id}/ask) and the guest page (/share/{token}).</summary>
public sealed class AskPageTests(WebStack web) : IClassFixture<WebStack>
{
    private const string Question = "What did the quick brown fox jump over near the river?";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_answer_streams_in_labelled_extractive_and_its_citation_seeks_the_player_to_the_cited_moment()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await web.CompletedVideoAsync(account, ".wav", "river.wav", Ct);
        await GroupPage.CreateAsync(page, "Nature");
        await GroupPage.AddAllAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Move up fox" }).ClickAsync();
        await Expect(page.Locator(".member .title")).ToHaveTextAsync(["fox", "river"]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Ask about these videos" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ask$"));
        await page.WaitForInteractiveAsync();
        await AskAsync(page, Question);

        var answer = page.Locator(".answer").Last;
        await Expect(answer.Locator(".label")).ToContainTextAsync("Extractive answer");
        var citation = answer.Locator(".citation").First;
        await Expect(citation.Locator(".time")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+:\d\d$"));
        await Expect(citation.Locator("q")).Not.ToBeEmptyAsync();
        var start = double.Parse((await citation.GetAttributeAsync("data-start"))!, CultureInfo.InvariantCulture);
        var title = (await citation.Locator(".title").TextContentAsync())!;

        await citation.ClickAsync();

        await Expect(page.Locator(".now-playing")).ToHaveTextAsync(title);
        await page.WaitForFunctionAsync(
            "start => Math.abs(document.querySelector('video.player').currentTime - start) <= 1",
            start);

        // A follow-up in the same thread, a rating, and both in the history.
        await AskAsync(page, "And where was the dog?");
        await Expect(page.Locator(".exchange")).ToHaveCountAsync(2);
        var thumbsUp = page.Locator(".exchange").First.GetByRole(AriaRole.Button, new() { Name = "Helpful", Exact = true });
        await thumbsUp.ClickAsync();
        await Expect(thumbsUp).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator(".history-list li")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear history" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Really clear the history" }).ClickAsync();
        await Expect(page.Locator(".history-list li")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_guest_asks_through_the_copied_share_link_in_a_fresh_browser_and_a_revoked_link_no_longer_works()
    {
        var owner = await web.NewPageAsync();
        await owner.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var account = await owner.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await GroupPage.CreateAsync(owner, "Shared nature");
        await GroupPage.AddAllAsync(owner);

        await owner.GetByRole(AriaRole.Button, new() { Name = "Create share link" }).ClickAsync();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied to the clipboard.");
        var link = await owner.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(await owner.GetByRole(AriaRole.Textbox, new() { Name = "Share link" }).InputValueAsync(), link);
        Assert.StartsWith($"{web.WebUrl}/share/", link, StringComparison.Ordinal);

        var guest = await web.NewPageAsync();
        await guest.GotoAsync(link);
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Name = "Shared nature", Level = 1 })).ToBeVisibleAsync();
        await guest.WaitForInteractiveAsync();
        await AskAsync(guest, Question);
        var citation = guest.Locator(".answer .citation").First;
        await Expect(citation.Locator(".title")).ToHaveTextAsync("fox");
        await Expect(guest.GetByRole(AriaRole.Link, new() { Name = "Library" })).ToHaveCountAsync(0);

        await owner.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Button, new() { Name = "Create share link" })).ToBeVisibleAsync();
        await guest.ReloadAsync();
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This link no longer works");
    }

    private static async Task AskAsync(IPage page, string question)
    {
        var answered = await page.Locator(".answer[data-done]").CountAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "question" }).FillAsync(question);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask", Exact = true }).ClickAsync();
        await Expect(page.Locator(".answer[data-done]")).ToHaveCountAsync(answered + 1);
    }
}
