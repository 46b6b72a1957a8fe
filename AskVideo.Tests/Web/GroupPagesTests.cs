using System.Net.Http.Headers;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The groups pages (/groups, /groups/{id}): create, rename, delete, members and their order.</summary>
public sealed class GroupPagesTests(WebStack web) : IClassFixture<WebStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_group_is_created_renamed_and_deleted_on_the_groups_page()
    {
        var page = await web.NewPageAsync();
        await page.SignInNewAccountAsync(web);
        await page.GotoAsync("/groups");
        await page.WaitForInteractiveAsync();

        await page.GetByLabel("New group").FillAsync("Physics");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(page.Locator(".group .title")).ToHaveTextAsync(["Physics"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename Physics" }).ClickAsync();
        await page.GetByLabel("New name").FillAsync("Physics 101");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".group .title")).ToHaveTextAsync(["Physics 101"]);
        await page.ReloadAsync();
        await Expect(page.Locator(".group .title")).ToHaveTextAsync(["Physics 101"]);

        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Physics 101" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Really delete" }).ClickAsync();
        await Expect(page.Locator(".group")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Videos_added_from_the_library_are_reordered_by_drag_and_drop_and_by_keyboard()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await web.CompletedVideoAsync(account, ".mp3", "river.mp3", Ct);
        var groupId = await GroupPage.CreateAsync(page, "Nature");

        await page.GetByLabel("fox").CheckAsync();
        await page.GetByLabel("river").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to group" }).ClickAsync();
        var titles = page.Locator(".member .title");
        // Added in the library's order: newest first.
        await Expect(titles).ToHaveTextAsync(["river", "fox"]);

        await page.Locator(".order[data-ready]").WaitForAsync();
        await page.Locator(".member", new() { HasText = "fox" }).DragToAsync(page.Locator(".member", new() { HasText = "river" }));
        await Expect(titles).ToHaveTextAsync(["fox", "river"]);
        Assert.Equal(["fox", "river"], await SavedOrderAsync(account, groupId));

        await page.GetByRole(AriaRole.Button, new() { Name = "Move up river" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(titles).ToHaveTextAsync(["river", "fox"]);
        Assert.Equal(["river", "fox"], await SavedOrderAsync(account, groupId));
    }

    [Fact]
    public async Task A_group_emptied_and_filled_again_is_still_reordered_by_drag_and_drop()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        await web.CompletedVideoAsync(account, ".wav", "fox.wav", Ct);
        await web.CompletedVideoAsync(account, ".mp3", "river.mp3", Ct);
        var groupId = await GroupPage.CreateAsync(page, "Refilled");
        await GroupPage.AddAllAsync(page);
        var titles = page.Locator(".member .title");
        await Expect(titles).ToHaveTextAsync(["river", "fox"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove river" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove fox" }).ClickAsync();
        await Expect(titles).ToHaveCountAsync(0);
        await GroupPage.AddAllAsync(page);
        await Expect(titles).ToHaveCountAsync(2);

        await page.Locator(".order[data-ready]").WaitForAsync();
        var before = await titles.AllTextContentsAsync();
        await page.Locator(".member").Nth(1).DragToAsync(page.Locator(".member").Nth(0));
        string[] after = [before[1], before[0]];
        await Expect(titles).ToHaveTextAsync(after);
        Assert.Equal(after, await SavedOrderAsync(account, groupId));
    }

    private async Task<string[]> SavedOrderAsync(TestAccount account, int groupId)
    {
        using var client = web.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await client.LoginOkAsync(account)).Access);
        var group = await client.GetGroupOkAsync(groupId);
        return [.. group["videos"]!.AsArray().Select(v => v!["title"]!.GetValue<string>())];
    }
}

/// <summary>Steps on the group page.</summary>
public static class GroupPage
{
    /// <summary>Creates a group on /groups and opens it; its id.</summary>
    public static async Task<int> CreateAsync(IPage page, string name)
    {
        await page.GotoAsync("/groups");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("New group").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        return int.Parse(page.Url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Adds every listed library video to the open group.</summary>
    public static async Task AddAllAsync(IPage page)
    {
        foreach (var box in await page.Locator(".pick input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to group" }).ClickAsync();
        await Expect(page.Locator(".pick")).ToHaveCountAsync(0);
    }
}
