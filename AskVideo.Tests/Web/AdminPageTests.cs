using AskVideo.Tests.Admin;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The admin page (/admin): only for admins; users with usage, deactivation, failed jobs, queue health.</summary>
public sealed class AdminPageTests(WebStack web) : IClassFixture<WebStack>
{
    [Fact]
    public async Task An_admin_deactivates_and_reactivates_a_user_and_retries_a_failed_job()
    {
        var admin = await AdminAsync();
        using var other = await web.Api.SignInNewUserAsync();
        var job = await web.Api.InsertFailedJobAsync(other.Id);
        var page = await web.NewPageAsync();
        await page.SignInAsync(admin);

        await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{web.WebUrl}/admin");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue health" })).ToBeVisibleAsync();
        await Expect(page.Locator(".figures")).ToContainTextAsync("Failed for good");

        await page.GetByLabel("Search users").FillAsync(other.Account.Username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var row = page.Locator($"tr[data-user='{other.Account.Username}']");
        await Expect(row.Locator(".state")).ToHaveTextAsync("active");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Deactivate {other.Account.Username}" }).ClickAsync();
        await Expect(row.Locator(".state")).ToHaveTextAsync("deactivated");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Reactivate {other.Account.Username}" }).ClickAsync();
        await Expect(row.Locator(".state")).ToHaveTextAsync("active");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Retry job {job}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Job {job} is queued again.");
        await Expect(page.Locator($"tr[data-job-id='{job}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_has_no_admin_link_and_gets_not_found()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
        await page.GotoAsync("/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
    }

    private async Task<TestAccount> AdminAsync()
    {
        using var user = await web.Api.SignInNewUserAsync();
        await web.Api.MakeAdminAsync(user.Id);
        return user.Account;
    }
}
