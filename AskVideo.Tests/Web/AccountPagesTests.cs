using AskVideo.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The account pages: forgot password, the mailed reset link, profile, sign out.</summary>
public sealed class AccountPagesTests(WebStack web) : IClassFixture<WebStack>
{
    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_mailed_link_and_the_new_one_signs_in()
    {
        var account = await web.Api.CreateVerifiedAccountAsync();
        var page = await web.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(account.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("we sent it a link");

        var link = BrowserSteps.MailedLink(web, account.Email, "reset-password");
        Assert.StartsWith($"{web.WebUrl}/reset-password?", link, StringComparison.Ordinal);
        await page.GotoAsync(link);
        await page.GetByLabel("New password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("8");
        var newPassword = account.Password + "-new";
        await page.GetByLabel("New password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed");

        await page.SignInAsync(account with { Password = newPassword });
    }

    [Fact]
    public async Task A_wrong_password_shows_the_servers_message_and_no_stack_trace()
    {
        var account = await web.Api.CreateVerifiedAccountAsync();
        var page = await web.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(account.Username);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The username or password is incorrect.");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Exception");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
    }

    [Fact]
    public async Task A_page_whose_stylesheet_has_not_loaded_shows_no_error_bar_and_no_alert()
    {
        var page = await web.NewPageAsync();
        // A stylesheet that never arrives, as on a slow link: the page is read before any CSS applies.
        await page.RouteAsync("**/*.css", route => route.AbortAsync());
        await page.GotoAsync("/signin");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_profile_renames_the_account_and_deletes_it_only_once_confirmed()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await page.GetByRole(AriaRole.Link, new() { Name = account.Username }).ClickAsync();

        var newName = account.Username + "-renamed";
        await page.GetByLabel("Username").FillAsync(newName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change name" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your name is changed");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToContainTextAsync(newName);

        await page.GetByLabel("Your password, to confirm").FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Tick the box");

        await page.GetByLabel("Your password, to confirm").FillAsync(account.Password);
        await page.GetByLabel("I understand that this cannot be undone").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your account is deleted");

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
    }
}
