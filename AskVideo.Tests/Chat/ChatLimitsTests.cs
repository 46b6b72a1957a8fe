using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Chat;

/// <summary>An API whose chat allows three questions a minute per user, two per guest IP, and two ratings per guest IP.</summary>
public sealed class StrictChatRateLimitApiFactory(TestServices services) : ApiFactory(services)
{
    public const int UserPermits = 3;
    public const int GuestPermits = 2;
    public const int FeedbackPermits = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Chat:AskPermitsPerUser"] = UserPermits.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Chat:AskPermitsPerGuestIp"] = GuestPermits.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Chat:FeedbackPermits"] = FeedbackPermits.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Chat:Window"] = "00:10:00",
    };
}

/// <summary>An API that allows two answers a month per owner.</summary>
public sealed class MonthlyAnswerLimitApiFactory(TestServices services) : ApiFactory(services)
{
    public const int MaxAnswers = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Quotas:MaxAnswersPerMonth"] = MaxAnswers.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Chat rate limits, per signed-in user and per guest IP. Every caller here is 127.0.0.1, so only
/// one test of this class asks as a guest and only one rates as a guest.
/// </summary>
public sealed class ChatRateLimitTests(StrictChatRateLimitApiFactory api) : IClassFixture<StrictChatRateLimitApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_question_after_a_users_limit_is_429_with_retry_after_and_another_user_may_still_ask()
    {
        using var user = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();
        var othersGroup = await other.Client.CreateGroupOkAsync();
        for (var i = 0; i < StrictChatRateLimitApiFactory.UserPermits; i++)
        {
            (await user.Client.AskAsync(group, $"Question {i}?")).AssertStatus(HttpStatusCode.OK);
        }

        var limited = await user.Client.AskAsync(group, "One too many?");

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Try again", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.InRange(RetryAfter(limited), 1, 600);
        (await other.Client.AskAsync(othersGroup, "My first question?")).AssertStatus(HttpStatusCode.OK);
        // A refused question is neither answered nor stored.
        Assert.Equal(StrictChatRateLimitApiFactory.UserPermits, await api.LogCountAsync(group));
    }

    [Fact]
    public async Task Guests_are_limited_per_ip_apart_from_the_owners_own_limit()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);
        using var guest = api.CreateClient();
        for (var i = 0; i < StrictChatRateLimitApiFactory.GuestPermits; i++)
        {
            (await guest.AskAsGuestAsync(token, group, $"Guest question {i}?")).AssertStatus(HttpStatusCode.OK);
        }

        var limited = await guest.AskAsGuestAsync(token, group, "One too many?");

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(RetryAfter(limited), 1, 600);
        // The owner, on the same IP, asks under their own user limit.
        (await owner.Client.AskAsync(group, "Owner's question?")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Guest_ratings_are_limited_per_ip()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);
        var log = await api.SeedLogAsync(group, "Rated by guests?", shared: true);
        using var guest = api.CreateClient();
        for (var i = 0; i < StrictChatRateLimitApiFactory.FeedbackPermits; i++)
        {
            (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={token}", Rating(log, "good"), Ct)).AssertStatus(HttpStatusCode.OK);
        }

        var limited = await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={token}", Rating(log, "bad"), Ct);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(RetryAfter(limited), 1, 600);
        Assert.Equal("good", (await api.LogAsync(log)).Feedback);
        // The owner rates under their own budget.
        (await owner.Client.PostAsJsonAsync("/api/chat/feedback/", Rating(log, "bad"), Ct)).AssertStatus(HttpStatusCode.OK);
    }

    private static JsonObject Rating(long log, string feedback) => new() { ["chat_log_id"] = log, ["feedback"] = feedback };

    private static int RetryAfter(HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
}

/// <summary>The monthly answer limit (<c>Quotas:MaxAnswersPerMonth</c>), counted per owner whoever asks.</summary>
public sealed class ChatAnswerLimitTests(MonthlyAnswerLimitApiFactory api) : IClassFixture<MonthlyAnswerLimitApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_answer_after_the_monthly_limit_is_403_saying_so_and_deleting_history_gives_none_back()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        (await owner.Client.AskAsync(group, "First?")).AssertStatus(HttpStatusCode.OK);
        (await owner.Client.AskAsync(group, "Second?")).AssertStatus(HttpStatusCode.OK);

        var problem = await (await owner.Client.AskAsync(group, "Third?")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("2 of 2 answers this month", detail, StringComparison.Ordinal);
        Assert.Contains("More answers are possible from", detail, StringComparison.Ordinal);
        Assert.Equal(2, await api.LogCountAsync(group));

        (await owner.Client.DeleteAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.NoContent);

        Assert.Equal(0, await api.LogCountAsync(group));
        await (await owner.Client.AskAsync(group, "After deleting?")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, await api.AnswersCountedAsync(owner.Id));
    }

    [Fact]
    public async Task Guest_answers_count_against_the_owners_monthly_limit()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);
        using var guest = api.CreateClient();
        (await owner.Client.AskAsync(group, "Owner's question?")).AssertStatus(HttpStatusCode.OK);
        (await guest.AskAsGuestAsync(token, group, "Guest's question?")).AssertStatus(HttpStatusCode.OK);

        await (await guest.AskAsGuestAsync(token, group, "Another guest question?")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await owner.Client.AskAsync(group, "And the owner?")).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(2, await api.AnswersCountedAsync(owner.Id));
    }
}

public static class ChatLimitSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> AskAsGuestAsync(this HttpClient guest, string shareToken, int groupId, string question) =>
        guest.PostAsJsonAsync($"/api/chat/?share_token={shareToken}",
            new { group_id = groupId, messages = new[] { new { role = "user", content = question } } }, Ct);

    /// <summary>The answers counted against the owner so far, as stored.</summary>
    public static async Task<int> AnswersCountedAsync(this ApiFactory api, int ownerId)
    {
        await using var db = api.OpenDb();
        return await db.AnswerUsage.Where(u => u.UserId == ownerId).SumAsync(u => u.Count, Ct);
    }
}
