using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AskVideo.Tests.Auth;

/// <summary>An API whose clock the test moves, with short lifetimes for refresh tokens and email links.</summary>
public sealed class ClockApiFactory(TestServices services) : ApiFactory(services)
{
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(1);
    public static readonly TimeSpan VerifyLifetime = TimeSpan.FromHours(2);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromMinutes(30);

    // Whole seconds: PostgreSQL keeps microseconds, and an expiry must compare exactly as it was issued.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:RefreshTokenLifetime"] = RefreshLifetime.ToString("c"),
        ["Accounts:EmailVerificationLifetime"] = VerifyLifetime.ToString("c"),
        ["Accounts:PasswordResetLifetime"] = ResetLifetime.ToString("c"),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// Refresh tokens and emailed links work until the end of their lifetime and not a moment after, on
/// the API's own clock (moved by the test, never waited for). Access tokens minted after the clock
/// moved would not yet be valid on the real clock, so these tests use only what the API answers.
/// </summary>
public sealed class ExpiryTests(ClockApiFactory api) : IClassFixture<ClockApiFactory>
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_token_still_works_one_second_before_its_lifetime_ends()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        var tokens = await client.LoginOkAsync(account);

        api.Clock.Advance(ClockApiFactory.RefreshLifetime - s_second);

        var rotated = await (await client.RefreshAsync(tokens.Refresh)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.NotEqual(tokens.Refresh, rotated["refresh"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_expired_refresh_token_is_refused_with_401_saying_so_and_gives_no_new_tokens()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        var tokens = await client.LoginOkAsync(account);

        api.Clock.Advance(ClockApiFactory.RefreshLifetime);

        var refused = await client.RefreshAsync(tokens.Refresh);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(problem["access"]);
        // Presented again, it is still refused; signing in again is the way back.
        await (await client.RefreshAsync(tokens.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await client.LoginOkAsync(account);
    }

    [Fact]
    public async Task A_verification_link_works_one_second_before_it_expires()
    {
        var account = Accounts.NewAccount();
        using var client = api.CreateClient();
        (await client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);

        api.Clock.Advance(ClockApiFactory.VerifyLifetime - s_second);

        (await client.VerifyAsync(api.Mailbox.LatestLink(account.Email, "verify-email"))).AssertStatus(HttpStatusCode.OK);
        await client.LoginOkAsync(account);
    }

    [Fact]
    public async Task An_expired_verification_link_is_refused_leaves_the_address_unverified_and_a_new_link_works()
    {
        var account = Accounts.NewAccount();
        using var client = api.CreateClient();
        (await client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);
        var expired = api.Mailbox.LatestLink(account.Email, "verify-email");

        api.Clock.Advance(ClockApiFactory.VerifyLifetime);

        await (await client.VerifyAsync(expired)).AssertValidationProblemAsync("token");
        var login = await client.LoginAsync(account.Username, account.Password);
        Assert.Equal("Email not verified.", (await login.AssertProblemAsync(HttpStatusCode.Forbidden))["title"]!.GetValue<string>());

        (await client.PostAsJsonAsync("/api/auth/resend-verification/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var fresh = api.Mailbox.LatestLink(account.Email, "verify-email");
        Assert.NotEqual(expired.Token, fresh.Token);
        (await client.VerifyAsync(fresh)).AssertStatus(HttpStatusCode.OK);
        await client.LoginOkAsync(account);
    }

    [Fact]
    public async Task A_password_reset_link_works_one_second_before_it_expires()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        (await client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var (uid, token) = api.Mailbox.LatestLink(account.Email, "reset-password");

        api.Clock.Advance(ClockApiFactory.ResetLifetime - s_second);

        (await client.PostAsJsonAsync("/api/auth/password-reset/confirm/", new { uid, token, new_password = "a-brand-new-password" }, Ct))
            .AssertStatus(HttpStatusCode.NoContent);
        (await client.LoginAsync(account.Username, "a-brand-new-password")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_expired_password_reset_link_is_refused_and_the_old_password_stays()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        (await client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var (uid, token) = api.Mailbox.LatestLink(account.Email, "reset-password");

        api.Clock.Advance(ClockApiFactory.ResetLifetime);

        var refused = await client.PostAsJsonAsync("/api/auth/password-reset/confirm/", new { uid, token, new_password = "a-brand-new-password" }, Ct);
        await refused.AssertValidationProblemAsync("token");
        (await client.LoginAsync(account.Username, "a-brand-new-password")).AssertStatus(HttpStatusCode.Unauthorized);
        (await client.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.OK);
    }
}
