using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AskVideo.Core.Data;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Auth;

/// <summary>Three failures lock an account for an hour; sign-in limits stay out of the way.</summary>
public sealed class LockoutApiFactory(TestServices services) : ApiFactory(services)
{
    public const int MaxFailures = 3;
    public static readonly TimeSpan Lockout = TimeSpan.FromHours(1);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Accounts:MaxFailedLogins"] = MaxFailures.ToString(CultureInfo.InvariantCulture),
        ["Accounts:LockoutDuration"] = Lockout.ToString("c"),
    };
}

/// <summary>Three sign-ins per username, and per address, an hour.</summary>
public sealed class LoginLimitsApiFactory(TestServices services) : ApiFactory(services)
{
    public const int Permits = 3;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Auth:LoginPermits"] = Permits.ToString(CultureInfo.InvariantCulture),
        // A window no test run outlasts, so a budget spent is never replenished under the test.
        ["RateLimits:Auth:LoginWindow"] = "01:00:00",
    };

    /// <summary>
    /// A client whose connections come from <paramref name="address"/> (any 127.x.y.z reaches the
    /// API on 127.0.0.1), so that per-address and per-username limits can be told apart.
    /// </summary>
    public HttpClient CreateClientFrom(IPAddress address)
    {
        using var probe = CreateClient();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = probe.BaseAddress };
    }
}

public sealed class LockoutExpiryTests(LockoutApiFactory api) : IClassFixture<LockoutApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_locked_by_failures_opens_again_when_its_lockout_ends_with_the_full_count_of_tries()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        Task<HttpResponseMessage> LoginAsync(string password) => client.LoginAsync(account.Username, password);
        for (var i = 0; i < LockoutApiFactory.MaxFailures; i++)
        {
            (await LoginAsync("wrong-password")).AssertStatus(HttpStatusCode.Unauthorized);
        }
        var locked = await LoginAsync(account.Password);
        await locked.AssertProblemAsync(HttpStatusCode.Locked);
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, LockoutApiFactory.Lockout.TotalSeconds - 120, LockoutApiFactory.Lockout.TotalSeconds);

        // The hour passes. Identity reads the system clock, not an injectable one, so the lockout's
        // end is moved into the past instead, as the passing hour would leave it.
        await using (var db = OpenDb())
        {
            var moved = await db.Users.Where(u => u.UserName == account.Username && u.LockoutEnd > DateTimeOffset.UtcNow)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.LockoutEnd, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct);
            Assert.Equal(1, moved);
        }

        (await LoginAsync(account.Password)).AssertStatus(HttpStatusCode.OK);
        // The failures before the lockout do not count any more: it takes the full number again.
        for (var i = 0; i < LockoutApiFactory.MaxFailures; i++)
        {
            (await LoginAsync("wrong-password")).AssertStatus(HttpStatusCode.Unauthorized);
        }
        await (await LoginAsync(account.Password)).AssertProblemAsync(HttpStatusCode.Locked);
    }

    private AppDbContext OpenDb() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(api.DatabaseConnectionString, npgsql => npgsql.UseVector()).Options);
}

/// <summary>
/// Each test spends budgets of its own: its own account, and source addresses no other test uses
/// (every 127.x.y.z is loopback on Linux).
/// </summary>
public sealed class UsernameLoginLimitTests(LoginLimitsApiFactory api) : IClassFixture<LoginLimitsApiFactory>
{
    [Fact]
    public async Task The_fourth_sign_in_for_one_username_within_the_window_is_429_even_from_a_fresh_address()
    {
        var account = await api.CreateVerifiedAccountAsync();
        for (var i = 0; i < LoginLimitsApiFactory.Permits; i++)
        {
            using var fromOne = api.CreateClientFrom(IPAddress.Parse($"127.0.1.{10 + i}"));
            await fromOne.LoginOkAsync(account);
        }

        using var fresh = api.CreateClientFrom(IPAddress.Parse("127.0.1.20"));
        // The same name in other letter case and with spaces around it is the same username.
        var limited = await fresh.LoginAsync($" {account.Username.ToUpperInvariant()} ", account.Password);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);
        // That address has budget left: the limit is the username's, not the address's.
        var other = await api.CreateVerifiedAccountAsync();
        await fresh.LoginOkAsync(other);
    }
}
