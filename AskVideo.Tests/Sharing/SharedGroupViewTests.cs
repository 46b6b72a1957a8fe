using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.Videos;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Sharing;

public sealed class SharedGroupViewTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string SecretTranscript = "the launch code is walrus";

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_guest_sees_the_group_and_its_videos_in_order_without_transcripts_or_owner()
    {
        using var owner = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(owner.Id, 3, "Lecture");
        await api.SetStatusAsync(videos[2], VideoStatus.Processing, "transcribe", 50);
        var transcribed = await api.InsertVideoAsync(owner.Id, v =>
        {
            v.Title = "Transcribed";
            v.Description = "Private notes of the owner";
            v.TranscriptText = SecretTranscript;
            v.Segments = [new TranscriptSegment { Index = 0, Start = 0, End = 3, Text = SecretTranscript }];
        });
        var group = await owner.Client.CreateGroupOkAsync("Course", "Everything about the course");
        await owner.Client.AddVideosOkAsync(group, videos[2], transcribed.Id, videos[0]);
        var token = await owner.Client.ShareOkAsync(group);

        var response = await api.OpenShareAsync(token);

        var body = await response.Content.ReadAsStringAsync(Ct);
        var view = await response.AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(["id", "name", "description", "videos"], view.AsObject().Select(p => p.Key));
        // The group's id is what a guest's chat request names.
        Assert.Equal(group, view["id"]!.GetValue<int>());
        Assert.Equal("Course", view["name"]!.GetValue<string>());
        Assert.Equal("Everything about the course", view["description"]!.GetValue<string>());
        var shown = view["videos"]!.AsArray();
        Assert.Equal([videos[2], transcribed.Id, videos[0]], GroupSteps.Ids(shown));
        Assert.All(shown, v => Assert.Equal(
            ["duration_seconds", "id", "media_url", "order", "status", "title"],
            v!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));
        Assert.Equal([0, 1, 2], shown.Select(v => v!["order"]!.GetValue<int>()));
        Assert.Equal(["Lecture 3", "Transcribed", "Lecture 1"], shown.Select(v => v!["title"]!.GetValue<string>()));
        Assert.Equal(["processing", "completed", "completed"], shown.Select(v => v!["status"]!.GetValue<string>()));
        Assert.Equal(10, shown[0]!["duration_seconds"]!.GetValue<double>());
        Assert.DoesNotContain("walrus", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Private notes", body, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Account.Username, body, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Account.Email, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guest_view_follows_the_owners_changes()
    {
        using var owner = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(owner.Id, 3);
        var group = await owner.Client.CreateGroupOkAsync();
        await owner.Client.AddVideosOkAsync(group, videos);
        var token = await owner.Client.ShareOkAsync(group);

        (await owner.Client.ReorderVideosAsync(group, videos[2], videos[0], videos[1])).AssertStatus(HttpStatusCode.OK);
        (await owner.Client.DeleteAsync($"/api/videos/groups/{group}/videos/{videos[0]}/", Ct)).AssertStatus(HttpStatusCode.NoContent);
        (await owner.Client.PatchAsJsonAsync($"/api/videos/groups/{group}/", new { name = "Renamed" }, Ct)).AssertStatus(HttpStatusCode.OK);

        var view = await (await api.OpenShareAsync(token)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("Renamed", view["name"]!.GetValue<string>());
        Assert.Equal([videos[2], videos[1]], GroupSteps.Ids(view["videos"]!.AsArray()));
    }

    public static TheoryData<string> WrongTokens =>
    [
        "not-a-token",
        new string('A', 43),
        new string('A', 42) + "!",
        new string('A', 44),
        "' OR 1=1 --",
    ];

    [Theory]
    [MemberData(nameof(WrongTokens))]
    public async Task A_wrong_or_malformed_token_is_a_404(string token)
    {
        var response = await api.OpenShareAsync(token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_token_that_differs_in_case_or_one_character_opens_nothing()
    {
        using var owner = await api.SignInNewUserAsync();
        var token = await owner.Client.ShareOkAsync(await owner.Client.CreateGroupOkAsync());
        var changed = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        var recased = new string([.. token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);

        await (await api.OpenShareAsync(changed)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.OpenShareAsync(recased)).AssertProblemAsync(HttpStatusCode.NotFound);
        (await api.OpenShareAsync(token)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_share_token_opens_only_its_own_group_and_none_of_the_owners_other_things()
    {
        using var owner = await api.SignInNewUserAsync();
        var sharedVideo = (await api.InsertVideoAsync(owner.Id)).Id;
        var privateVideo = (await api.InsertVideoAsync(owner.Id, v => v.Title = "Private video")).Id;
        var shared = await owner.Client.CreateGroupOkAsync("Shared");
        var hidden = await owner.Client.CreateGroupOkAsync("Hidden");
        await owner.Client.AddVideosOkAsync(shared, sharedVideo);
        await owner.Client.AddVideosOkAsync(hidden, privateVideo);
        var token = await owner.Client.ShareOkAsync(shared);
        using var guest = api.CreateClient();

        var view = await (await api.OpenShareAsync(token)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal([sharedVideo], GroupSteps.Ids(view["videos"]!.AsArray()));

        foreach (var path in new[]
        {
            $"/api/videos/groups/{hidden}/",
            $"/api/videos/groups/{shared}/",
            "/api/videos/groups/",
            $"/api/videos/{privateVideo}/",
            $"/api/videos/{sharedVideo}/transcript/",
            $"/api/videos/groups/{shared}/share/",
        })
        {
            var response = await guest.GetAsync($"{path}?share_token={token}", Ct);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_share_token_grants_no_write_access_to_its_group()
    {
        using var owner = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(owner.Id, 2);
        var group = await owner.Client.CreateGroupOkAsync("Untouched");
        await owner.Client.AddVideosOkAsync(group, videos);
        var token = await owner.Client.ShareOkAsync(group);
        using var guest = api.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Share-Token", token);
        var q = $"?share_token={token}";

        var attempts = new (HttpMethod Method, string Path, JsonNode? Body)[]
        {
            (HttpMethod.Patch, $"/api/videos/groups/{group}/{q}", new JsonObject { ["name"] = "Defaced" }),
            (HttpMethod.Delete, $"/api/videos/groups/{group}/{q}", null),
            (HttpMethod.Post, $"/api/videos/groups/{group}/reorder/{q}", new JsonObject { ["video_ids"] = new JsonArray(videos[1], videos[0]) }),
            (HttpMethod.Delete, $"/api/videos/groups/{group}/videos/{videos[0]}/{q}", null),
            (HttpMethod.Post, $"/api/videos/groups/{group}/share/{q}", null),
            (HttpMethod.Delete, $"/api/videos/groups/{group}/share/{q}", null),
            (HttpMethod.Patch, $"/api/videos/{videos[0]}/{q}", new JsonObject { ["title"] = "Defaced" }),
            (HttpMethod.Delete, $"/api/videos/{videos[0]}/{q}", null),
            (HttpMethod.Post, $"/api/share/{token}/", null),
            (HttpMethod.Delete, $"/api/share/{token}/", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await guest.SendAsync(request, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.MethodNotAllowed,
                $"{method} {path} answered {(int)response.StatusCode}.");
        }

        var read = await owner.Client.GetGroupOkAsync(group);
        Assert.Equal("Untouched", read["name"]!.GetValue<string>());
        Assert.Equal(videos, GroupSteps.VideoIds(read));
        (await api.OpenShareAsync(token)).AssertStatus(HttpStatusCode.OK);
        var video = await (await owner.Client.GetAsync($"/api/videos/{videos[0]}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("Video 1", video["title"]!.GetValue<string>());
    }
}
