using System.Text.RegularExpressions;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>What a person does in the browser, step by step, shared by the page tests.</summary>
public static partial class BrowserSteps
{
    /// <summary>Signs up on the page, opens the link the Api mailed (it must point at the web app) and confirms.</summary>
    public static async Task<TestAccount> SignUpAndVerifyAsync(this IPage page, WebStack web)
    {
        var account = Accounts.NewAccount();
        await page.GotoAsync("/signup");
        await page.GetByLabel("Username").FillAsync(account.Username);
        await page.GetByLabel("Email").FillAsync(account.Email);
        await page.GetByLabel("Password").FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(account.Email);

        var link = MailedLink(web, account.Email, "verify-email");
        Assert.StartsWith($"{web.WebUrl}/verify-email?", link, StringComparison.Ordinal);
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my email" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your email is confirmed");
        return account;
    }

    public static async Task SignInAsync(this IPage page, TestAccount account)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(account.Username);
        await page.GetByLabel("Password").FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your library" })).ToBeVisibleAsync();
    }

    /// <summary>A verified account, signed in, on its library page.</summary>
    public static async Task<TestAccount> SignInNewAccountAsync(this IPage page, WebStack web)
    {
        var account = await web.Api.CreateVerifiedAccountAsync();
        await page.SignInAsync(account);
        return account;
    }

    /// <summary>
    /// Waits until the page at the browser's current address is live (its circuit connected, its data
    /// loaded), so that clicks reach the server. After a click on a link, first wait for the new address.
    /// </summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        // Polled on a timer, not on animation frames, which a busy renderer may hold back.
        page.WaitForFunctionAsync("() => document.getElementById('interactive')?.dataset.path === location.pathname", null, new() { PollingInterval = 100 });

    /// <summary>Picks files in the library's uploader (as a person choosing them in the file dialog).</summary>
    public static async Task UploadAsync(this IPage page, params FilePayload[] files)
    {
        await page.Locator(".dropzone[data-ready]").WaitForAsync();
        await page.Locator("#upload-input").SetInputFilesAsync(files);
    }

    public static async Task<FilePayload> FileAsync(string path, string name, string mimeType) =>
        new() { Name = name, MimeType = mimeType, Buffer = await File.ReadAllBytesAsync(path) };

    /// <summary>Uploads a clip through the Api as the account and waits until it is transcribed; its id.</summary>
    public static async Task<int> CompletedVideoAsync(this WebStack web, TestAccount account, string extension, string fileName, CancellationToken cancellationToken)
    {
        using var client = web.Api.CreateClient();
        var tokens = await client.LoginOkAsync(account);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Access);
        var id = (await client.UploadOkAsync(await web.ClipAsync(extension, cancellationToken), fileName))["id"]!.GetValue<int>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        while (true)
        {
            var video = await (await client.GetAsync($"/api/videos/{id}/", limit.Token)).JsonAsync();
            var status = video["status"]!.GetValue<string>();
            Assert.NotEqual("error", status);
            if (status == "completed")
            {
                return id;
            }
            await Task.Delay(200, limit.Token);
        }
    }

    /// <summary>The newest link to <paramref name="page"/> mailed to the address, as written in the mail.</summary>
    public static string MailedLink(WebStack web, string address, string page)
    {
        var message = web.Api.Mailbox.To(address).LastOrDefault()
            ?? throw new InvalidOperationException($"No mail was sent to {address}.");
        return LinkPattern().Matches(message.TextBody ?? "").Select(m => m.Value)
            .FirstOrDefault(link => link.Contains($"/{page}?", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No {page} link in the mail to {address}.");
    }

    [GeneratedRegex(@"https?://\S+\?uid=\S+")]
    private static partial Regex LinkPattern();
}
