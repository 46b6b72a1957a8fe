using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

public sealed class VideoLibraryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_pages_through_all_videos_with_links_to_the_next_and_previous_pages()
    {
        using var user = await api.SignInNewUserAsync();
        var ids = await InsertLibraryAsync(user.Id);

        var first = await ListAsync(user, "?limit=2");
        Assert.Equal(5, first["count"]!.GetValue<int>());
        Assert.Equal(ids.Reverse().Take(2), Ids(first));
        Assert.Null(first["previous"]);

        var next = new Uri(first["next"]!.GetValue<string>());
        Assert.Equal(user.Client.BaseAddress!.Authority, next.Authority);
        Assert.Contains("offset=2", next.Query, StringComparison.Ordinal);
        Assert.Contains("limit=2", next.Query, StringComparison.Ordinal);
        var second = await ListAsync(user, next.PathAndQuery);
        Assert.Equal(ids.Reverse().Skip(2).Take(2), Ids(second));
        Assert.Contains("offset=0", second["previous"]!.GetValue<string>(), StringComparison.Ordinal);

        var last = await ListAsync(user, new Uri(second["next"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal([ids[0]], Ids(last));
        Assert.Null(last["next"]);
    }

    [Fact]
    public async Task The_list_is_served_with_and_without_the_trailing_slash()
    {
        using var user = await api.SignInNewUserAsync();
        await api.InsertVideoAsync(user.Id);

        var withSlash = await (await user.Client.GetAsync("/api/videos/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var withoutSlash = await (await user.Client.GetAsync("/api/videos", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(1, withSlash["count"]!.GetValue<int>());
        Assert.Equal(1, withoutSlash["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("title", new[] { "alpha", "bravo", "charlie", "delta", "echo" })]
    [InlineData("-title", new[] { "echo", "delta", "charlie", "bravo", "alpha" })]
    [InlineData("duration_seconds", new[] { "charlie", "echo", "alpha", "delta", "bravo" })]
    [InlineData("-duration_seconds", new[] { "bravo", "delta", "alpha", "echo", "charlie" })]
    [InlineData("created_at", new[] { "delta", "alpha", "echo", "bravo", "charlie" })]
    [InlineData("-created_at", new[] { "charlie", "bravo", "echo", "alpha", "delta" })]
    public async Task The_list_is_ordered_as_asked(string ordering, string[] titles)
    {
        using var user = await api.SignInNewUserAsync();
        await InsertLibraryAsync(user.Id);

        var list = await ListAsync(user, $"?ordering={ordering}");

        Assert.Equal(titles, Titles(list));
    }

    [Fact]
    public async Task The_list_filters_by_status()
    {
        using var user = await api.SignInNewUserAsync();
        await InsertLibraryAsync(user.Id);

        var errors = await ListAsync(user, "?status=error&ordering=title");

        Assert.Equal(2, errors["count"]!.GetValue<int>());
        Assert.Equal(["bravo", "delta"], Titles(errors));
        Assert.All(errors["results"]!.AsArray(), v => Assert.Equal("error", v!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Search_ignores_case_and_looks_in_title_and_description()
    {
        using var user = await api.SignInNewUserAsync();
        await InsertLibraryAsync(user.Id);

        Assert.Equal(["alpha", "charlie"], Titles(await ListAsync(user, "?q=QUARTERLY&ordering=title")));
        Assert.Equal(["echo"], Titles(await ListAsync(user, "?q=Ech")));
    }

    [Fact]
    public async Task Search_treats_like_wildcards_as_plain_characters()
    {
        using var user = await api.SignInNewUserAsync();
        await InsertLibraryAsync(user.Id);

        Assert.Equal(["delta"], Titles(await ListAsync(user, "?q=" + Uri.EscapeDataString("100%"))));
        Assert.Equal(["delta"], Titles(await ListAsync(user, "?q=" + Uri.EscapeDataString("%"))));
        // As a wildcard, _ would find "alpha".
        Assert.Equal(0, (await ListAsync(user, "?q=" + Uri.EscapeDataString("a_p")))["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("status=done", "status")]
    [InlineData("ordering=size", "ordering")]
    public async Task A_bad_list_parameter_is_a_400_naming_it(string query, string field)
    {
        using var user = await api.SignInNewUserAsync();

        await (await user.Client.GetAsync($"/api/videos/?{query}", Ct)).AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Nobody_sees_another_users_videos_in_the_list()
    {
        using var owner = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        await InsertLibraryAsync(owner.Id);

        Assert.Equal(0, (await ListAsync(other, ""))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_video_is_read_with_its_transcript_once_it_has_one()
    {
        using var user = await api.SignInNewUserAsync();
        var pending = await api.InsertVideoAsync(user.Id, v => v.Status = VideoStatus.Pending);
        var done = await api.InsertVideoAsync(user.Id, v => (v.TranscriptText, v.Language) = ("Hello there. General Kenobi.", "en"));
        await InsertSegmentsAsync(done.Id, (0, 1.5, 2.75, "Hello there."), (1, 3, 4.5, "General Kenobi."));

        var withoutTranscript = await GetAsync(user, pending.Id);
        Assert.True(withoutTranscript.AsObject().ContainsKey("transcript"));
        Assert.Null(withoutTranscript["transcript"]);
        Assert.Equal("pending", withoutTranscript["status"]!.GetValue<string>());

        var withTranscript = await GetAsync(user, done.Id);
        var transcript = withTranscript["transcript"]!;
        Assert.Equal("Hello there. General Kenobi.", transcript["text"]!.GetValue<string>());
        Assert.Equal("en", transcript["language"]!.GetValue<string>());
        var segments = transcript["segments"]!.AsArray();
        Assert.Equal(2, segments.Count);
        Assert.Equal(1, segments[1]!["index"]!.GetValue<int>());
        Assert.Equal(3, segments[1]!["start"]!.GetValue<double>());
        Assert.Equal(4.5, segments[1]!["end"]!.GetValue<double>());
        Assert.Equal("General Kenobi.", segments[1]!["text"]!.GetValue<string>());
        Assert.Equal(done.Title, withTranscript["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Title_and_description_can_be_changed()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => v.UpdatedAt = DateTimeOffset.UtcNow.AddHours(-1));

        var renamed = await (await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/", new { title = "  Renamed  " }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("Renamed", renamed["title"]!.GetValue<string>());
        Assert.Equal("", renamed["description"]!.GetValue<string>());
        Assert.True(renamed["updated_at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-1));

        var described = await (await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/", new { description = "What was said" }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("Renamed", described["title"]!.GetValue<string>());
        Assert.Equal("What was said", (await GetAsync(user, video.Id))["description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"title":"   "}""", "title")]
    [InlineData("""{"title":"LONG_TITLE"}""", "title")]
    [InlineData("""{"description":"LONG_DESCRIPTION"}""", "description")]
    [InlineData("""{"title":7}""", "title")]
    public async Task A_bad_change_is_a_400_naming_the_field_and_changes_nothing(string json, string field)
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id);
        json = json.Replace("LONG_TITLE", new string('t', 256), StringComparison.Ordinal)
            .Replace("LONG_DESCRIPTION", new string('d', 5001), StringComparison.Ordinal);

        var response = await user.Client.PatchAsync($"/api/videos/{video.Id}/", Accounts.RawJson(json), Ct);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(video.Title, (await GetAsync(user, video.Id))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_video_removes_its_rows_and_every_stored_file()
    {
        using var user = await api.SignInNewUserAsync();
        var uploaded = await user.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp4", cancellationToken: Ct));
        var id = uploaded["id"]!.GetValue<int>();
        await InsertSegmentsAsync(id, (0, 0, 1, "Words."));
        var folder = await StorageFolderAsync(id);
        // What the pipeline derives lives next to the original and must go too.
        await File.WriteAllTextAsync(Path.Combine(folder, "audio.wav"), "derived", Ct);

        (await user.Client.DeleteAsync($"/api/videos/{id}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        Assert.False(Directory.Exists(folder));
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.Id == id, Ct));
        Assert.False(await db.TranscriptSegments.AnyAsync(s => s.VideoId == id, Ct));
        Assert.False(await db.Jobs.AnyAsync(j => j.VideoId == id, Ct));
        await (await user.Client.GetAsync($"/api/videos/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.DeleteAsync($"/api/videos/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_users_video_is_a_404_on_every_endpoint_and_stays_untouched()
    {
        using var owner = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var uploaded = await owner.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
        var id = uploaded["id"]!.GetValue<int>();
        await api.SetStatusAsync(id, VideoStatus.Completed, "completed", 100);
        await InsertSegmentsAsync(id, (0, 0, 1, "Private words."));
        var client = other.Client;

        await (await client.GetAsync($"/api/videos/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PatchAsJsonAsync($"/api/videos/{id}/", new { title = "Mine now" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync($"/api/videos/{id}/retranscribe/", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        foreach (var format in new[] { "json", "txt", "srt", "vtt" })
        {
            await (await client.GetAsync($"/api/videos/{id}/transcript/?format={format}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        await (await client.GetAsync($"/api/videos/{id}/events/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/api/videos/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        var unchanged = await GetAsync(owner, id);
        Assert.Equal(uploaded["title"]!.GetValue<string>(), unchanged["title"]!.GetValue<string>());
        Assert.Equal("completed", unchanged["status"]!.GetValue<string>());
        Assert.True(Directory.Exists(await StorageFolderAsync(id)));
        await using var db = api.OpenDb();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.VideoId == id, Ct));
    }

    [Fact]
    public async Task Every_video_endpoint_needs_a_signed_in_user()
    {
        using var owner = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(owner.Id);
        using var anonymous = api.CreateClient();

        await (await anonymous.GetAsync("/api/videos/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/videos/{video.Id}/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/videos/{video.Id}/transcript/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/videos/{video.Id}/events/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/videos/{video.Id}/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_videos_jobs_and_files_and_nobody_elses()
    {
        using var leaving = await api.SignInNewUserAsync();
        using var staying = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        var first = (await leaving.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
        var second = (await leaving.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
        var kept = (await staying.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
        await InsertSegmentsAsync(first, (0, 0, 1, "Words."));
        var folders = new[] { await StorageFolderAsync(first), await StorageFolderAsync(second) };
        var keptFolder = await StorageFolderAsync(kept);

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me/")
        {
            Content = JsonContent.Create(new { password = leaving.Account.Password }),
        };
        (await leaving.Client.SendAsync(request, Ct)).AssertStatus(HttpStatusCode.NoContent);

        Assert.All(folders, folder => Assert.False(Directory.Exists(folder)));
        Assert.True(Directory.Exists(keptFolder));
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.OwnerId == leaving.Id, Ct));
        Assert.False(await db.Jobs.AnyAsync(j => j.VideoId == first || j.VideoId == second, Ct));
        Assert.False(await db.TranscriptSegments.AnyAsync(s => s.VideoId == first, Ct));
        Assert.True(await db.Videos.AnyAsync(v => v.Id == kept, Ct));
        Assert.True(await db.Jobs.AnyAsync(j => j.VideoId == kept, Ct));
    }

    /// <summary>Five videos, inserted oldest first: the returned ids are in creation order.</summary>
    private async Task<int[]> InsertLibraryAsync(int ownerId)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        (string Title, string Description, double Duration, VideoStatus Status)[] library =
        [
            ("delta", "Budget at 100% of plan", 40, VideoStatus.Error),
            ("alpha", "Quarterly review", 30, VideoStatus.Completed),
            ("echo", "Onboarding", 20, VideoStatus.Pending),
            ("bravo", "Standup", 50, VideoStatus.Error),
            ("charlie", "quarterly planning", 10, VideoStatus.Processing),
        ];
        var ids = new List<int>();
        for (var i = 0; i < library.Length; i++)
        {
            var (title, description, duration, status) = library[i];
            var video = await api.InsertVideoAsync(ownerId, v =>
            {
                v.Title = title;
                v.Description = description;
                v.DurationSeconds = duration;
                v.Status = status;
                v.CreatedAt = start.AddMinutes(i);
            });
            ids.Add(video.Id);
        }
        return [.. ids];
    }

    private async Task InsertSegmentsAsync(int videoId, params (int Index, double Start, double End, string Text)[] segments)
    {
        await using var db = api.OpenDb();
        db.TranscriptSegments.AddRange(segments.Select(s => new TranscriptSegment
        {
            VideoId = videoId, Index = s.Index, Start = s.Start, End = s.End, Text = s.Text,
        }));
        await db.SaveChangesAsync(Ct);
    }

    private async Task<string> StorageFolderAsync(int videoId)
    {
        await using var db = api.OpenDb();
        var key = await db.Videos.Where(v => v.Id == videoId).Select(v => v.StorageKey).SingleAsync(Ct);
        return Path.GetDirectoryName(Path.Combine(api.MediaRoot, key))!;
    }

    private async Task<JsonNode> ListAsync(SignedInUser user, string query) =>
        await (await user.Client.GetAsync(query.StartsWith('/') ? query : "/api/videos/" + query, Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

    private async Task<JsonNode> GetAsync(SignedInUser user, int id) =>
        await (await user.Client.GetAsync($"/api/videos/{id}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

    private static int[] Ids(JsonNode list) => [.. list["results"]!.AsArray().Select(v => v!["id"]!.GetValue<int>())];

    private static string[] Titles(JsonNode list) => [.. list["results"]!.AsArray().Select(v => v!["title"]!.GetValue<string>())];
}
