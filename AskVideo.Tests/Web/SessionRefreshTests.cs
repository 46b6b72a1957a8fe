using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AskVideo.Tests.Web;

/// <summary>The web stack with the web app on a clock the test moves (the Api keeps real time).</summary>
public sealed class FakeClockWebStack(TestServices services) : WebStack(services)
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? WebTime => Clock;
}

/// <summary>The session's tokens: refreshed on the server when the access token expires, each refresh token used once.</summary>
public sealed class SessionRefreshTests(FakeClockWebStack web) : IClassFixture<FakeClockWebStack>
{
    [Fact]
    public async Task An_expired_access_token_is_refreshed_once_per_expiry_and_the_session_goes_on()
    {
        var page = await web.NewPageAsync();
        var account = await page.SignInNewAccountAsync(web);
        Assert.Equal((1, 0, 0), await RefreshTokensAsync(account));

        web.Clock.Advance(TimeSpan.FromMinutes(16));
        await page.GotoAsync("/");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your library" })).ToBeVisibleAsync();
        Assert.Equal((2, 1, 0), await RefreshTokensAsync(account));

        web.Clock.Advance(TimeSpan.FromMinutes(16));
        await page.GotoAsync("/groups");
        await page.WaitForInteractiveAsync();
        Assert.Equal(200, await page.EvaluateAsync<int>("async () => (await fetch('/api/auth/me/')).status"));
        // One refresh per expiry, whether the page, its live connection or the proxy asked first;
        // a refresh token used twice would have revoked the whole login.
        Assert.Equal((3, 2, 0), await RefreshTokensAsync(account));
    }

    /// <summary>The account's refresh tokens: issued, used, revoked.</summary>
    private async Task<(int Issued, int Used, int Revoked)> RefreshTokensAsync(TestAccount account)
    {
        await using var db = web.Api.OpenDb();
        var user = await db.Users.SingleAsync(u => u.UserName == account.Username, TestContext.Current.CancellationToken);
        var tokens = await db.RefreshTokens.Where(t => t.UserId == user.Id).ToListAsync(TestContext.Current.CancellationToken);
        return (tokens.Count, tokens.Count(t => t.UsedAt is not null), tokens.Count(t => t.RevokedAt is not null));
    }
}
