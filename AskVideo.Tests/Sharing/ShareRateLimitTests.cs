using System.Globalization;
using System.Net;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Sharing;

/// <summary>An API that lets one IP address open shared groups three times a minute.</summary>
public sealed class StrictShareLimitApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Share:Permits"] = "3",
        ["RateLimits:Share:Window"] = "00:01:00",
    };
}

public sealed class ShareRateLimitTests(StrictShareLimitApiFactory api) : IClassFixture<StrictShareLimitApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Guesses_count_against_the_limit_and_the_fourth_request_in_a_minute_is_429_with_retry_after()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);

        (await api.OpenShareAsync(token)).AssertStatus(HttpStatusCode.OK);
        await (await api.OpenShareAsync(new string('A', 43))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.OpenShareAsync("guess")).AssertProblemAsync(HttpStatusCode.NotFound);

        var limited = await api.OpenShareAsync(token);

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Try again", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        // The owner's own endpoints are not under the guests' limit.
        (await owner.Client.GetAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.OK);
    }
}
