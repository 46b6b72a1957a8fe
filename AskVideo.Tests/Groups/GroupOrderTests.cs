using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Groups;

public sealed class GroupOrderTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reordering_with_exactly_the_groups_videos_puts_them_in_the_new_order()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 4);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos);

        var response = await user.Client.ReorderVideosAsync(group, videos[3], videos[1], videos[0], videos[2]);

        var reordered = await response.AssertStatus(HttpStatusCode.OK).JsonAsync();
        int[] expected = [videos[3], videos[1], videos[0], videos[2]];
        Assert.Equal(expected, GroupSteps.VideoIds(reordered));
        Assert.Equal([0, 1, 2, 3], reordered["videos"]!.AsArray().Select(v => v!["order"]!.GetValue<int>()));
        Assert.Equal(expected, GroupSteps.VideoIds(await user.Client.GetGroupOkAsync(group)));
        Assert.Equal(expected, await api.StoredOrderAsync(group));
    }

    [Fact]
    public async Task Videos_added_after_a_reorder_go_to_the_end()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 3);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos[0], videos[1]);
        (await user.Client.ReorderVideosAsync(group, videos[1], videos[0])).AssertStatus(HttpStatusCode.OK);

        await user.Client.AddVideosOkAsync(group, videos[2]);

        Assert.Equal([videos[1], videos[0], videos[2]], GroupSteps.VideoIds(await user.Client.GetGroupOkAsync(group)));
    }

    public static TheoryData<string> WrongOrders => ["missing", "extra", "repeated", "foreign", "empty"];

    [Theory]
    [MemberData(nameof(WrongOrders))]
    public async Task A_reorder_that_is_not_exactly_the_groups_videos_is_a_400_and_keeps_the_order(string wrong)
    {
        using var user = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 4);
        var outside = (await api.InsertVideoAsync(user.Id)).Id;
        var theirs = (await api.InsertVideoAsync(other.Id)).Id;
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos[0], videos[1], videos[2]);
        int[] ids = wrong switch
        {
            "missing" => [videos[2], videos[0]],
            "extra" => [videos[2], videos[1], videos[0], outside],
            "repeated" => [videos[2], videos[1], videos[0], videos[0]],
            "foreign" => [videos[2], videos[1], theirs],
            _ => [],
        };

        var response = await user.Client.ReorderVideosAsync(group, ids);

        await response.AssertValidationProblemAsync("video_ids");
        Assert.Equal([videos[0], videos[1], videos[2]], await api.StoredOrderAsync(group));
    }

    [Fact]
    public async Task An_empty_group_reorders_with_an_empty_list()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();

        var reordered = await (await user.Client.ReorderVideosAsync(group)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Empty(reordered["videos"]!.AsArray());
    }

    [Fact]
    public async Task Groups_are_listed_in_the_order_their_owner_sets()
    {
        using var user = await api.SignInNewUserAsync();
        var a = await user.Client.CreateGroupOkAsync("A");
        var b = await user.Client.CreateGroupOkAsync("B");
        var c = await user.Client.CreateGroupOkAsync("C");

        var response = await user.Client.PostAsJsonAsync("/api/videos/groups/reorder/", new { group_ids = new[] { c, a, b } }, Ct);

        var reordered = await response.AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal([c, a, b], GroupSteps.Ids(reordered.AsArray()));
        Assert.Equal([c, a, b], GroupSteps.Ids((await ListAsync(user))["results"]!.AsArray()));

        var d = await user.Client.CreateGroupOkAsync("D");
        Assert.Equal([c, a, b, d], GroupSteps.Ids((await ListAsync(user))["results"]!.AsArray()));
    }

    [Fact]
    public async Task Reordering_groups_needs_exactly_the_users_groups_and_otherwise_changes_nothing()
    {
        using var user = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var a = await user.Client.CreateGroupOkAsync("A");
        var b = await user.Client.CreateGroupOkAsync("B");
        var theirs = await other.Client.CreateGroupOkAsync("Theirs");

        foreach (var ids in new[] { new[] { b }, [b, a, theirs], [b, a, a] })
        {
            var response = await user.Client.PostAsJsonAsync("/api/videos/groups/reorder/", new { group_ids = ids }, Ct);
            await response.AssertValidationProblemAsync("group_ids");
        }

        Assert.Equal([a, b], GroupSteps.Ids((await ListAsync(user))["results"]!.AsArray()));
        Assert.Equal([theirs], GroupSteps.Ids((await ListAsync(other))["results"]!.AsArray()));
    }

    private async Task<JsonNode> ListAsync(SignedInUser user) =>
        await (await user.Client.GetAsync("/api/videos/groups/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
}
