using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AskVideo.Core.Chat;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Chat;

/// <summary>History, CSV export, deletion and feedback over chat logs written straight to the database.</summary>
public sealed class ChatHistoryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string CsvHeader = "created_at,question,answer,citations,feedback,is_shared_origin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task History_lists_the_logs_newest_first_with_their_feedback_and_shared_origin()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var old = await api.SeedLogAsync(group, "Old question?", at: start, feedback: "bad");
        var guests = await api.SeedLogAsync(group, "Guest question?", at: start.AddMinutes(1), shared: true);
        var newest = await api.SeedLogAsync(group, "New question?", at: start.AddMinutes(2), feedback: "good");

        var history = await (await owner.Client.GetAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        var results = history["results"]!.AsArray();
        Assert.Equal([newest, guests, old], results.Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal(["good", null, "bad"], results.Select(r => r!["feedback"]?.GetValue<string>()));
        Assert.Equal([false, true, false], results.Select(r => r!["is_shared_origin"]!.GetValue<bool>()));
        Assert.Equal("Guest question?", results[1]!["question"]!.GetValue<string>());
    }

    [Fact]
    public async Task History_its_export_and_its_deletion_are_the_owners_alone_and_a_share_token_opens_none_of_them()
    {
        using var owner = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);
        await api.SeedLogAsync(group, "Private question?");
        using var guest = api.CreateClient();

        foreach (var (method, path) in new[] { ("GET", "/api/chat/history/"), ("GET", "/api/chat/history/export/"), ("DELETE", "/api/chat/history/") })
        {
            var url = $"{path}?group_id={group}";
            // Another user: the group does not exist for them, even holding the link.
            await (await other.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await other.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"{url}&share_token={token}"), Ct))
                .AssertProblemAsync(HttpStatusCode.NotFound);
            // A guest holds no access token: history needs one, whatever the share token.
            await (await guest.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"{url}&share_token={token}"), Ct))
                .AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(1, await api.LogCountAsync(group));
    }

    [Fact]
    public async Task Export_is_a_utf8_csv_attachment_with_the_header_row_and_the_logs_newest_first()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var at = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        await api.SeedLogAsync(group, "First?", "Answer one.", at: at, feedback: "bad");
        await api.SeedLogAsync(group, "Second?", "Answer two – ça va.", at: at.AddSeconds(1), shared: true);

        using var response = await owner.Client.GetAsync($"/api/chat/history/export/?group_id={group}", Ct);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"chat-history-group-{group}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(
            CsvHeader + "\r\n"
            + "2025-03-04T05:06:08.890Z,Second?,Answer two – ça va.,,,true\r\n"
            + "2025-03-04T05:06:07.890Z,First?,Answer one.,,bad,false\r\n",
            body);
    }

    [Fact]
    public async Task Export_quotes_commas_quotes_and_line_breaks_as_rfc_4180_asks()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        await api.SeedLogAsync(group, "Red, green or blue?", "He said \"hello\".\r\nThen\nleft.");

        var csv = await ExportAsync(owner, group);

        var lines = csv.Split("\r\n");
        Assert.Equal(CsvHeader, lines[0]);
        Assert.Contains(",\"Red, green or blue?\",\"He said \"\"hello\"\".\r\nThen\nleft.\",,,false\r\n", csv, StringComparison.Ordinal);
        var record = Assert.Single(Csv.Parse(csv).Skip(1));
        Assert.Equal("Red, green or blue?", record[1]);
        Assert.Equal("He said \"hello\".\r\nThen\nleft.", record[2]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\tTabbed")]
    [InlineData("\rReturn")]
    public async Task Export_neutralises_a_cell_that_would_start_a_formula_with_a_leading_apostrophe(string dangerous)
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        await api.SeedLogAsync(group, dangerous, dangerous);

        var record = Assert.Single(Csv.Parse(await ExportAsync(owner, group)).Skip(1));

        Assert.Equal("'" + dangerous, record[1]);
        Assert.Equal("'" + dangerous, record[2]);
    }

    [Fact]
    public async Task Export_writes_the_citations_as_numbered_titles_with_their_times()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var citations = new JsonArray(
            Citation(1, "Volcano, part 1", 65, 80.5),
            Citation(2, "Garden", 3725, 3730));
        await api.SeedLogAsync(group, "Where?", citations: citations.ToJsonString());

        var record = Assert.Single(Csv.Parse(await ExportAsync(owner, group)).Skip(1));

        Assert.Equal("[1] Volcano, part 1 01:05-01:20; [2] Garden 1:02:05-1:02:10", record[3]);
    }

    [Fact]
    public async Task Export_of_a_long_history_holds_every_row_in_order()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        await using (var db = api.OpenDb())
        {
            db.ChatLogs.AddRange(Enumerable.Range(0, 3000).Select(i => NewLog(group, $"Question {i}, with a comma?", at: start.AddSeconds(i))));
            await db.SaveChangesAsync(Ct);
        }

        var records = Csv.Parse(await ExportAsync(owner, group));

        Assert.Equal(3001, records.Count);
        Assert.Equal("Question 2999, with a comma?", records[1][1]);
        Assert.Equal("Question 0, with a comma?", records[^1][1]);
    }

    [Fact]
    public async Task Export_and_deletion_without_a_group_id_are_400_naming_group_id()
    {
        using var owner = await api.SignInNewUserAsync();

        await (await owner.Client.GetAsync("/api/chat/history/export/", Ct)).AssertValidationProblemAsync("group_id");
        await (await owner.Client.GetAsync("/api/chat/history/export/?group_id=abc", Ct)).AssertValidationProblemAsync("group_id");
        await (await owner.Client.DeleteAsync("/api/chat/history/?group_id=-1", Ct)).AssertValidationProblemAsync("group_id");
    }

    [Fact]
    public async Task Deleting_history_removes_that_groups_logs_and_not_another_groups()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync("Cleared");
        var kept = await owner.Client.CreateGroupOkAsync("Kept");
        await api.SeedLogAsync(group, "One?");
        await api.SeedLogAsync(group, "Two?");
        await api.SeedLogAsync(kept, "Three?");

        (await owner.Client.DeleteAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.NoContent);

        Assert.Equal(0, await api.LogCountAsync(group));
        Assert.Equal(1, await api.LogCountAsync(kept));
        var history = await (await owner.Client.GetAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(0, history["count"]!.GetValue<int>());
        Assert.Equal(CsvHeader + "\r\n", await ExportAsync(owner, group));
    }

    [Fact]
    public async Task The_owner_rates_an_answer_good_then_bad_then_clears_the_rating_with_null()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var log = await api.SeedLogAsync(group, "Rated?");

        foreach (var feedback in new[] { "good", "bad", null })
        {
            var rated = await (await owner.Client.PostAsJsonAsync("/api/chat/feedback/", Feedback(log, feedback), Ct))
                .AssertStatus(HttpStatusCode.OK).JsonAsync();

            Assert.Equal(log, rated["chat_log_id"]!.GetValue<long>());
            Assert.Equal(feedback, rated["feedback"]?.GetValue<string>());
            Assert.Equal(feedback, (await api.LogAsync(log)).Feedback);
        }
    }

    [Fact]
    public async Task A_guest_with_the_share_token_rates_a_guest_answer_of_that_group()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var token = await owner.Client.ShareOkAsync(group);
        var log = await api.SeedLogAsync(group, "Asked by a guest?", shared: true);
        using var guest = api.CreateClient();

        var rated = await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={token}", Feedback(log, "good"), Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("good", rated["feedback"]!.GetValue<string>());
        // The answer names the rating only: a guest reads no question through it.
        Assert.Null(rated["question"]);
        Assert.Equal("good", (await api.LogAsync(log)).Feedback);
    }

    [Fact]
    public async Task A_guest_rating_a_log_outside_their_groups_guest_answers_gets_404_and_nothing_changes()
    {
        using var owner = await api.SignInNewUserAsync();
        var groupA = await owner.Client.CreateGroupOkAsync("A");
        var groupB = await owner.Client.CreateGroupOkAsync("B");
        var tokenA = await owner.Client.ShareOkAsync(groupA);
        var tokenB = await owner.Client.ShareOkAsync(groupB);
        var logOfB = await api.SeedLogAsync(groupB, "Guest of B?", shared: true, feedback: "good");
        var ownersOwnLogOfA = await api.SeedLogAsync(groupA, "The owner's own question?", feedback: "good");
        using var guest = api.CreateClient();

        await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={tokenA}", Feedback(logOfB, "bad"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={tokenA}", Feedback(ownersOwnLogOfA, "bad"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={tokenA}", Feedback(long.MaxValue, "bad"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={new string('x', 43)}", Feedback(logOfB, "bad"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        // Once B's link is revoked, its token rates nothing either.
        (await owner.Client.DeleteAsync($"/api/videos/groups/{groupB}/share/", Ct)).AssertStatus(HttpStatusCode.NoContent);
        await (await guest.PostAsJsonAsync($"/api/chat/feedback/?share_token={tokenB}", Feedback(logOfB, "bad"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("good", (await api.LogAsync(logOfB)).Feedback);
        Assert.Equal("good", (await api.LogAsync(ownersOwnLogOfA)).Feedback);
    }

    [Fact]
    public async Task Another_user_rating_a_log_gets_404_and_a_caller_with_no_credential_gets_401()
    {
        using var owner = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var log = await api.SeedLogAsync(group, "Mine?", shared: true);
        using var anonymous = api.CreateClient();

        await (await other.Client.PostAsJsonAsync("/api/chat/feedback/", Feedback(log, "bad"), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.PostAsJsonAsync("/api/chat/feedback/", Feedback(log, "bad"), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Null((await api.LogAsync(log)).Feedback);
    }

    [Fact]
    public async Task A_feedback_value_other_than_good_bad_or_null_is_400_naming_feedback()
    {
        using var owner = await api.SignInNewUserAsync();
        var group = await owner.Client.CreateGroupOkAsync();
        var log = await api.SeedLogAsync(group, "Rated?", feedback: "good");

        foreach (var body in new[]
        {
            $$"""{"chat_log_id":{{log}},"feedback":"great"}""",
            $$"""{"chat_log_id":{{log}},"feedback":"GOOD"}""",
            $$"""{"chat_log_id":{{log}},"feedback":""}""",
            $$"""{"chat_log_id":{{log}},"feedback":1}""",
            $$"""{"chat_log_id":{{log}},"feedback":["good"]}""",
            $$"""{"chat_log_id":{{log}}}""",
        })
        {
            await (await owner.Client.PostAsync("/api/chat/feedback/", Accounts.RawJson(body), Ct)).AssertValidationProblemAsync("feedback");
        }
        await (await owner.Client.PostAsync("/api/chat/feedback/", Accounts.RawJson("""{"feedback":"good"}"""), Ct))
            .AssertValidationProblemAsync("chat_log_id");
        await (await owner.Client.PostAsync("/api/chat/feedback/", Accounts.RawJson("""{"chat_log_id":"x","feedback":"good"}"""), Ct))
            .AssertValidationProblemAsync("chat_log_id");

        Assert.Equal("good", (await api.LogAsync(log)).Feedback);
    }

    private static JsonObject Feedback(long chatLogId, string? feedback) => new() { ["chat_log_id"] = chatLogId, ["feedback"] = feedback };

    private static JsonObject Citation(int n, string title, double start, double end) => new()
    {
        ["n"] = n, ["video_id"] = 1, ["title"] = title, ["start"] = start, ["end"] = end, ["quote"] = "…", ["media_url"] = null,
    };

    private static async Task<string> ExportAsync(SignedInUser owner, int group)
    {
        using var response = await owner.Client.GetAsync($"/api/chat/history/export/?group_id={group}", Ct);
        return Encoding.UTF8.GetString(await response.AssertStatus(HttpStatusCode.OK).Content.ReadAsByteArrayAsync(Ct));
    }

    internal static ChatLog NewLog(
        int groupId, string question, string answer = "An answer.", string citations = "[]",
        DateTimeOffset? at = null, string? feedback = null, bool shared = false) => new()
        {
            GroupId = groupId,
            Question = question,
            Answer = answer,
            Mode = "extractive",
            CitationsJson = citations,
            Feedback = feedback,
            IsSharedOrigin = shared,
            CreatedAt = at ?? DateTimeOffset.UtcNow,
        };
}

public static class ChatLogSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A chat log written straight to the database; returns its id.</summary>
    public static async Task<long> SeedLogAsync(
        this ApiFactory api, int groupId, string question, string answer = "An answer.", string citations = "[]",
        DateTimeOffset? at = null, string? feedback = null, bool shared = false)
    {
        await using var db = api.OpenDb();
        var log = ChatHistoryTests.NewLog(groupId, question, answer, citations, at, feedback, shared);
        db.ChatLogs.Add(log);
        await db.SaveChangesAsync(Ct);
        return log.Id;
    }

    public static async Task<ChatLog> LogAsync(this ApiFactory api, long id)
    {
        await using var db = api.OpenDb();
        return await db.ChatLogs.AsNoTracking().SingleAsync(l => l.Id == id, Ct);
    }

    public static async Task<int> LogCountAsync(this ApiFactory api, int groupId)
    {
        await using var db = api.OpenDb();
        return await db.ChatLogs.CountAsync(l => l.GroupId == groupId, Ct);
    }
}

/// <summary>A strict RFC 4180 reader, so the tests check the export the way a spreadsheet reads it.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                Assert.True(i == text.Length || text[i] is ',' or '\r', $"text after a closing quote at {i}");
                continue;
            }
            if (text[i] == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
                continue;
            }
            if (text[i] == '\r')
            {
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', $"a bare CR ends no record at {i}");
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
                continue;
            }
            Assert.False(text[i] is '"' or '\n', $"an unquoted field holds {(int)text[i]} at {i}");
            field.Append(text[i++]);
        }
        Assert.True(field.Length == 0 && fields.Count == 0, "the last record has no CRLF");
        Assert.All(records, r => Assert.Equal(6, r.Length));
        return records;
    }
}
