using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Groups;

public sealed class GroupCrudTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_group_answers_201_with_its_location_and_no_videos()
    {
        using var user = await api.SignInNewUserAsync();

        var response = await user.Client.CreateGroupAsync("  Physics 101 ", "Autumn lectures");

        var group = await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
        var id = group["id"]!.GetValue<int>();
        Assert.Equal($"/api/videos/groups/{id}/", response.Headers.Location?.OriginalString);
        Assert.Equal("Physics 101", group["name"]!.GetValue<string>());
        Assert.Equal("Autumn lectures", group["description"]!.GetValue<string>());
        Assert.Equal(0, group["video_count"]!.GetValue<int>());
        Assert.False(group["is_shared"]!.GetValue<bool>());

        var read = await user.Client.GetGroupOkAsync(id);
        Assert.Equal("Physics 101", read["name"]!.GetValue<string>());
        Assert.Empty(read["videos"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"description":"no name"}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"name":"NAME_256"}""", "name")]
    [InlineData("""{"name":"ok","description":"DESCRIPTION_5001"}""", "description")]
    public async Task A_group_needs_a_name_and_keeps_to_the_length_limits(string json, string field)
    {
        using var user = await api.SignInNewUserAsync();
        json = json.Replace("NAME_256", new string('n', 256), StringComparison.Ordinal)
            .Replace("DESCRIPTION_5001", new string('d', 5001), StringComparison.Ordinal);

        var response = await user.Client.PostAsync("/api/videos/groups/", Accounts.RawJson(json), Ct);

        await response.AssertValidationProblemAsync(field);
        await using var db = api.OpenDb();
        Assert.False(await db.VideoGroups.AnyAsync(g => g.OwnerId == user.Id, Ct));
    }

    [Fact]
    public async Task The_list_shows_each_group_with_its_video_count_in_the_order_they_were_made()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 3);
        var first = await user.Client.CreateGroupOkAsync("First");
        var second = await user.Client.CreateGroupOkAsync("Second");
        var third = await user.Client.CreateGroupOkAsync("Third");
        await user.Client.AddVideosOkAsync(first, videos[0], videos[1], videos[2]);
        await user.Client.AddVideosOkAsync(third, videos[1]);

        var list = await (await user.Client.GetAsync("/api/videos/groups/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(3, list["count"]!.GetValue<int>());
        Assert.Null(list["next"]);
        Assert.Null(list["previous"]);
        var results = list["results"]!.AsArray();
        Assert.Equal([first, second, third], GroupSteps.Ids(results));
        Assert.Equal([3, 0, 1], results.Select(g => g!["video_count"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_list_pages_through_all_groups_with_links_to_the_next_and_previous_pages()
    {
        using var user = await api.SignInNewUserAsync();
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await user.Client.CreateGroupOkAsync($"Group {i}"));
        }

        var first = await ListAsync(user, "/api/videos/groups/?limit=2");
        Assert.Equal(5, first["count"]!.GetValue<int>());
        Assert.Equal(ids.Take(2), GroupSteps.Ids(first["results"]!.AsArray()));
        Assert.Null(first["previous"]);

        var second = await ListAsync(user, new Uri(first["next"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal(ids.Skip(2).Take(2), GroupSteps.Ids(second["results"]!.AsArray()));
        Assert.Contains("offset=0", second["previous"]!.GetValue<string>(), StringComparison.Ordinal);

        var last = await ListAsync(user, new Uri(second["next"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal([ids[4]], GroupSteps.Ids(last["results"]!.AsArray()));
        Assert.Null(last["next"]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    public async Task A_bad_list_parameter_is_a_400_naming_it(string query, string field)
    {
        using var user = await api.SignInNewUserAsync();

        await (await user.Client.GetAsync($"/api/videos/groups/?{query}", Ct)).AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Group_routes_answer_with_and_without_the_trailing_slash_next_to_the_video_routes()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id);
        var group = await user.Client.CreateGroupOkAsync();

        (await user.Client.GetAsync("/api/videos/groups", Ct)).AssertStatus(HttpStatusCode.OK);
        (await user.Client.GetAsync($"/api/videos/groups/{group}", Ct)).AssertStatus(HttpStatusCode.OK);
        (await user.Client.PostAsJsonAsync($"/api/videos/groups/{group}/videos", new { video_ids = new[] { video.Id } }, Ct))
            .AssertStatus(HttpStatusCode.OK);

        // The videos feature still owns /api/videos/{id}/ and its list.
        var read = await (await user.Client.GetAsync($"/api/videos/{video.Id}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(video.Title, read["title"]!.GetValue<string>());
        var videos = await ListAsync(user, "/api/videos/");
        Assert.Equal(1, videos["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_it_names()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await user.Client.CreateGroupOkAsync("Old name", "Old description");

        var renamed = await (await user.Client.PatchAsJsonAsync($"/api/videos/groups/{id}/", new { name = "New name" }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("New name", renamed["name"]!.GetValue<string>());
        Assert.Equal("Old description", renamed["description"]!.GetValue<string>());

        (await user.Client.PatchAsJsonAsync($"/api/videos/groups/{id}/", new { description = "" }, Ct)).AssertStatus(HttpStatusCode.OK);

        var read = await user.Client.GetGroupOkAsync(id);
        Assert.Equal("New name", read["name"]!.GetValue<string>());
        Assert.Equal("", read["description"]!.GetValue<string>());
        Assert.True(read["updated_at"]!.GetValue<DateTimeOffset>() > read["created_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Patch_with_a_blank_name_is_a_400_and_changes_nothing()
    {
        using var user = await api.SignInNewUserAsync();
        var id = await user.Client.CreateGroupOkAsync("Kept");

        var response = await user.Client.PatchAsJsonAsync($"/api/videos/groups/{id}/", new { name = " ", description = "changed" }, Ct);

        await response.AssertValidationProblemAsync("name");
        var read = await user.Client.GetGroupOkAsync(id);
        Assert.Equal("Kept", read["name"]!.GetValue<string>());
        Assert.Equal("", read["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_group_keeps_its_videos_in_the_library()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 2);
        var id = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(id, videos);

        (await user.Client.DeleteAsync($"/api/videos/groups/{id}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        await (await user.Client.GetAsync($"/api/videos/groups/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.DeleteAsync($"/api/videos/groups/{id}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        foreach (var video in videos)
        {
            (await user.Client.GetAsync($"/api/videos/{video}/", Ct)).AssertStatus(HttpStatusCode.OK);
        }
        await using var db = api.OpenDb();
        Assert.False(await db.VideoGroupMembers.AnyAsync(m => m.GroupId == id, Ct));
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_groups()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 1);
        var id = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(id, videos);
        (await user.Client.PostAsync($"/api/videos/groups/{id}/share/", null, Ct)).AssertStatus(HttpStatusCode.Created);

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me/")
        {
            Content = JsonContent.Create(new { password = user.Account.Password }),
        };
        (await user.Client.SendAsync(request, Ct)).AssertStatus(HttpStatusCode.NoContent);

        await using var db = api.OpenDb();
        Assert.False(await db.VideoGroups.AnyAsync(g => g.Id == id, Ct));
        Assert.False(await db.VideoGroupMembers.AnyAsync(m => m.GroupId == id, Ct));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_group_and_share_endpoint_with_its_answers()
    {
        using var client = api.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var paths = document["paths"]!.AsObject();

        (string Path, string Method, string[] Statuses)[] expected =
        [
            ("/api/videos/groups", "post", ["201", "400"]),
            ("/api/videos/groups", "get", ["200", "400"]),
            ("/api/videos/groups/reorder", "post", ["200", "400"]),
            ("/api/videos/groups/{id}", "get", ["200", "404"]),
            ("/api/videos/groups/{id}", "patch", ["200", "400", "404"]),
            ("/api/videos/groups/{id}", "delete", ["204", "404"]),
            ("/api/videos/groups/{id}/videos", "post", ["200", "400", "404"]),
            ("/api/videos/groups/{id}/videos/{videoId}", "delete", ["204", "404"]),
            ("/api/videos/groups/{id}/reorder", "post", ["200", "400", "404"]),
            ("/api/videos/groups/{id}/share", "post", ["201", "404"]),
            ("/api/videos/groups/{id}/share", "get", ["200", "404"]),
            ("/api/videos/groups/{id}/share", "delete", ["204", "404"]),
            ("/api/share/{token}", "get", ["200", "404"]),
        ];
        foreach (var (path, method, statuses) in expected)
        {
            var operation = paths[path]?[method] ?? throw new Xunit.Sdk.XunitException(
                $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document: {string.Join(", ", paths.Select(p => p.Key))}");
            var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
            Assert.True(statuses.All(responses.Contains), $"{method} {path} documents {string.Join(", ", responses)}.");
        }
    }

    private async Task<JsonNode> ListAsync(SignedInUser user, string pathAndQuery) =>
        await (await user.Client.GetAsync(pathAndQuery, Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
}
