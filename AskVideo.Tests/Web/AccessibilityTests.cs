using AskVideo.Tests.Admin;
using AskVideo.Tests.Videos;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>Every page: axe finds no serious or critical violation, and nothing is wider than a phone.</summary>
public sealed class AccessibilityTests(WebStack web) : IClassFixture<WebStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_axe_violation_and_fits_a_phone_screen()
    {
        var page = await web.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        var guest = await web.NewPageAsync();
        await guest.SetViewportSizeAsync(390, 844);
        var problems = new List<string>();

        foreach (var path in new[] { "/signin", "/signup", "/forgot-password", "/reset-password?uid=1&token=x", "/verify-email?uid=1&token=x", "/share/not-a-token", "/not-found" })
        {
            await guest.GotoAsync(path);
            problems.AddRange(await CheckAsync(guest, path));
        }

        var account = await page.SignInNewAccountAsync(web);
        var video = await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        var group = await GroupPage.CreateAsync(page, "Nature");
        await GroupPage.AddAllAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create share link" }).ClickAsync();
        var link = await page.GetByRole(AriaRole.Textbox, new() { Name = "Share link" }).InputValueAsync();
        await guest.GotoAsync(link);
        await guest.WaitForInteractiveAsync();
        problems.AddRange(await CheckAsync(guest, "/share/{token}"));

        foreach (var path in new[] { "/", $"/videos/{video}", "/groups", $"/groups/{group}", $"/groups/{group}/ask", "/profile" })
        {
            await page.GotoAsync(path);
            if (path != "/profile")
            {
                await page.WaitForInteractiveAsync();
            }
            problems.AddRange(await CheckAsync(page, path));
        }

        using var admin = await web.Api.SignInNewUserAsync();
        await web.Api.MakeAdminAsync(admin.Id);
        var operatorPage = await web.NewPageAsync();
        await operatorPage.SetViewportSizeAsync(390, 844);
        await operatorPage.SignInAsync(admin.Account);
        await operatorPage.GotoAsync("/admin");
        await operatorPage.WaitForInteractiveAsync();
        problems.AddRange(await CheckAsync(operatorPage, "/admin"));

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static async Task<IEnumerable<string>> CheckAsync(IPage page, string path)
    {
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        var found = new List<string>();
        var results = await page.RunAxe();
        found.AddRange(results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{path}: {v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow > 0)
        {
            found.Add($"{path}: wider than a phone screen by {overflow} px");
        }
        return found;
    }
}
