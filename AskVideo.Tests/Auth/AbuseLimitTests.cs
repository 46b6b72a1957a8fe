using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Auth;

/// <summary>An API with the production rate limits and a short lockout threshold.</summary>
public sealed class StrictLimitsApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Auth:LoginPermits"] = "5",
        ["RateLimits:Auth:EmailPermits"] = "3",
        ["Accounts:MaxFailedLogins"] = "3",
    };
}

/// <summary>
/// Each test here spends the per-IP budget of its own endpoint, so they use separate endpoints or
/// separate API instances.
/// </summary>
public sealed class LockoutTests(StrictLimitsApiFactory api) : IClassFixture<StrictLimitsApiFactory>
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            (await client.LoginAsync(account.Username, "wrong-password")).AssertStatus(HttpStatusCode.Unauthorized);
        }
        var locked = await client.LoginAsync(account.Username, account.Password);

        var problem = await locked.AssertProblemAsync(HttpStatusCode.Locked);
        Assert.Contains("Try again", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);
    }
}

public sealed class LoginRateLimitTests(StrictLimitsApiFactory api) : IClassFixture<StrictLimitsApiFactory>
{
    [Fact]
    public async Task The_sixth_login_within_a_minute_from_one_address_is_429_with_retry_after()
    {
        using var client = api.CreateClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            (await client.LoginAsync($"someone_{attempt}", "whatever-password")).AssertStatus(HttpStatusCode.Unauthorized);
        }

        var limited = await client.LoginAsync("someone_else", "whatever-password");

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }
}

public sealed class EmailRateLimitTests(StrictLimitsApiFactory api) : IClassFixture<StrictLimitsApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_fourth_password_reset_within_an_hour_is_429_and_sends_no_fourth_email()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            (await client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        }

        var limited = await client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(3, api.Mailbox.To(account.Email).Count(m => m.Subject?.Contains("Reset", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task The_fourth_resend_for_one_address_is_429()
    {
        var account = Accounts.NewAccount();
        using var client = api.CreateClient();
        // Sign-up has its own budget; this spends one of its three.
        (await client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            (await client.PostAsJsonAsync("/api/auth/resend-verification/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        }

        var limited = await client.PostAsJsonAsync("/api/auth/resend-verification/", new { email = account.Email }, Ct);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }
}
