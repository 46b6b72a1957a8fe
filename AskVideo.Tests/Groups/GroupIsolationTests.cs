using System.Net;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Groups;

public sealed class GroupIsolationTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every group endpoint that names a group: method, path ({group}, {video}) and body.</summary>
    public static TheoryData<string, string, string?> GroupEndpoints => new()
    {
        { "GET", "/api/videos/groups/{group}/", null },
        { "PATCH", "/api/videos/groups/{group}/", """{"name":"Taken over"}""" },
        { "DELETE", "/api/videos/groups/{group}/", null },
        { "POST", "/api/videos/groups/{group}/videos/", """{"video_ids":[{own_video}]}""" },
        { "DELETE", "/api/videos/groups/{group}/videos/{video}/", null },
        { "POST", "/api/videos/groups/{group}/reorder/", """{"video_ids":[{video}]}""" },
        { "POST", "/api/videos/groups/{group}/share/", null },
        { "GET", "/api/videos/groups/{group}/share/", null },
        { "DELETE", "/api/videos/groups/{group}/share/", null },
    };

    [Theory]
    [MemberData(nameof(GroupEndpoints))]
    public async Task Another_users_group_is_a_404_and_stays_as_it_was(string method, string path, string? body)
    {
        var (owner, group, video, token) = await SharedGroupAsync();
        using var _ = owner;
        using var intruder = await api.SignInNewUserAsync();
        var ownVideo = (await api.InsertVideoAsync(intruder.Id)).Id;

        var response = await intruder.Client.SendAsync(Request(method, path, body, group, video, ownVideo), Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        await AssertUnchangedAsync(owner, group, video, token);
    }

    [Theory]
    [MemberData(nameof(GroupEndpoints))]
    public async Task Group_endpoints_answer_401_without_a_signed_in_user(string method, string path, string? body)
    {
        var (owner, group, video, token) = await SharedGroupAsync();
        using var _ = owner;
        using var anonymous = api.CreateClient();

        var response = await anonymous.SendAsync(Request(method, path, body, group, video, video), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await AssertUnchangedAsync(owner, group, video, token);
    }

    [Fact]
    public async Task Nobody_sees_another_users_groups_in_their_list()
    {
        var (owner, _, _, _) = await SharedGroupAsync();
        using var __ = owner;
        using var other = await api.SignInNewUserAsync();

        var list = await (await other.Client.GetAsync("/api/videos/groups/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(0, list["count"]!.GetValue<int>());
        Assert.Empty(list["results"]!.AsArray());
    }

    /// <summary>A user with a shared group named "Private" holding one video.</summary>
    private async Task<(SignedInUser Owner, int Group, int Video, string Token)> SharedGroupAsync()
    {
        var owner = await api.SignInNewUserAsync();
        var video = (await api.InsertVideoAsync(owner.Id)).Id;
        var group = await owner.Client.CreateGroupOkAsync("Private");
        await owner.Client.AddVideosOkAsync(group, video);
        var share = await (await owner.Client.PostAsync($"/api/videos/groups/{group}/share/", null, Ct))
            .AssertStatus(HttpStatusCode.Created).JsonAsync();
        return (owner, group, video, share["share_token"]!.GetValue<string>());
    }

    private async Task AssertUnchangedAsync(SignedInUser owner, int group, int video, string token)
    {
        var read = await owner.Client.GetGroupOkAsync(group);
        Assert.Equal("Private", read["name"]!.GetValue<string>());
        Assert.Equal([video], GroupSteps.VideoIds(read));
        await using var db = api.OpenDb();
        Assert.Equal(token, await db.VideoGroups.Where(g => g.Id == group).Select(g => g.ShareToken).SingleAsync(Ct));
        Assert.Equal(1, await db.VideoGroupMembers.CountAsync(m => m.VideoId == video, Ct));
    }

    private static HttpRequestMessage Request(string method, string path, string? body, int group, int video, int ownVideo)
    {
        string Fill(string text) => text
            .Replace("{group}", group.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{own_video}", ownVideo.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{video}", video.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return new HttpRequestMessage(new HttpMethod(method), Fill(path))
        {
            Content = body is null ? null : Accounts.RawJson(Fill(body)),
        };
    }
}
