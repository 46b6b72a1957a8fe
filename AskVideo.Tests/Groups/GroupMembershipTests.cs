using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Groups;

public sealed class GroupMembershipTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Added_videos_are_appended_in_the_given_order_with_their_details()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 4);
        await api.SetStatusAsync(videos[3], VideoStatus.Processing, "transcribe", 40);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos[2], videos[0]);

        var result = await user.Client.AddVideosOkAsync(group, videos[3], videos[1]);

        Assert.Equal([videos[3], videos[1]], result["added"]!.AsArray().Select(id => id!.GetValue<int>()));
        Assert.Empty(result["skipped"]!.AsArray());
        var read = await user.Client.GetGroupOkAsync(group);
        Assert.Equal(4, read["video_count"]!.GetValue<int>());
        Assert.Equal([videos[2], videos[0], videos[3], videos[1]], GroupSteps.VideoIds(read));
        var shown = read["videos"]!.AsArray();
        Assert.Equal([0, 1, 2, 3], shown.Select(v => v!["order"]!.GetValue<int>()));
        Assert.Equal("Video 4", shown[2]!["title"]!.GetValue<string>());
        Assert.Equal("processing", shown[2]!["status"]!.GetValue<string>());
        Assert.Equal("completed", shown[0]!["status"]!.GetValue<string>());
        Assert.Equal(10, shown[0]!["duration_seconds"]!.GetValue<double>());
        Assert.True(shown[0]!.AsObject().ContainsKey("media_url"));
    }

    [Fact]
    public async Task A_real_upload_can_join_a_group_while_it_waits_for_transcription()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        var uploaded = await user.Client.UploadOkAsync(path, "talk.mp3", title: "Uploaded talk");
        var group = await user.Client.CreateGroupOkAsync();

        await user.Client.AddVideosOkAsync(group, uploaded["id"]!.GetValue<int>());

        var shown = (await user.Client.GetGroupOkAsync(group))["videos"]!.AsArray().Single()!;
        Assert.Equal("Uploaded talk", shown["title"]!.GetValue<string>());
        Assert.Equal("pending", shown["status"]!.GetValue<string>());
        Assert.Equal(uploaded["duration_seconds"]!.GetValue<double>(), shown["duration_seconds"]!.GetValue<double>());
    }

    [Fact]
    public async Task Videos_already_in_the_group_are_skipped_and_reported()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 3);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos[0], videos[1]);

        var result = await user.Client.AddVideosOkAsync(group, videos[1], videos[2], videos[0]);

        Assert.Equal([videos[2]], result["added"]!.AsArray().Select(id => id!.GetValue<int>()));
        Assert.Equal([videos[1], videos[0]], result["skipped"]!.AsArray().Select(id => id!.GetValue<int>()));
        Assert.Equal([videos[0], videos[1], videos[2]], await api.StoredOrderAsync(group));
    }

    [Fact]
    public async Task Adding_another_users_or_an_unknown_video_is_a_400_naming_them_and_adds_nothing()
    {
        using var user = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var mine = await api.InsertVideosAsync(user.Id, 2);
        var theirs = (await api.InsertVideoAsync(other.Id)).Id;
        const int unknown = 987_654_321;
        var group = await user.Client.CreateGroupOkAsync();

        var response = await user.Client.AddVideosAsync(group, mine[0], theirs, mine[1], unknown);

        await response.AssertValidationProblemAsync("video_ids");
        var message = (await response.JsonAsync())["errors"]!["video_ids"]![0]!.GetValue<string>();
        var named = Regex.Matches(message, @"\d+").Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture));
        Assert.Equal([theirs, unknown], named);
        Assert.Empty(await api.StoredOrderAsync(group));
        Assert.Equal(0, (await user.Client.GetGroupOkAsync(group))["video_count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"video_ids":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"video_ids":[FIRST,FIRST]}""")]
    [InlineData("""{"video_ids":TOO_MANY}""")]
    public async Task An_empty_repeated_or_oversized_list_of_ids_is_a_400_and_adds_nothing(string json)
    {
        using var user = await api.SignInNewUserAsync();
        var video = (await api.InsertVideoAsync(user.Id)).Id;
        var group = await user.Client.CreateGroupOkAsync();
        json = json.Replace("FIRST", video.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TOO_MANY", "[" + string.Join(",", Enumerable.Repeat(video, 1).Concat(Enumerable.Range(1_000_000, 500))) + "]", StringComparison.Ordinal);

        var response = await user.Client.PostAsync($"/api/videos/groups/{group}/videos/", Accounts.RawJson(json), Ct);

        await response.AssertValidationProblemAsync("video_ids");
        Assert.Empty(await api.StoredOrderAsync(group));
    }

    [Fact]
    public async Task Concurrent_adds_to_one_group_keep_each_video_once_in_distinct_places()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 6);
        var group = await user.Client.CreateGroupOkAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            user.Client.AddVideosAsync(group, videos[i], videos[(i + 1) % 6], videos[(i + 2) % 6])));

        Assert.All(responses, r => r.AssertStatus(HttpStatusCode.OK));
        var added = new List<int>();
        foreach (var response in responses)
        {
            added.AddRange((await response.JsonAsync())["added"]!.AsArray().Select(id => id!.GetValue<int>()));
        }
        Assert.Equal(videos.Order(), added.Order());
        Assert.Equal(videos.Order(), (await api.StoredOrderAsync(group)).Order());
        await using var db = api.OpenDb();
        var positions = db.VideoGroupMembers.Where(m => m.GroupId == group).Select(m => m.Position).ToList();
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task Removing_a_video_takes_it_out_of_the_group_but_not_out_of_the_library()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 3);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos);

        (await user.Client.DeleteAsync($"/api/videos/groups/{group}/videos/{videos[1]}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        var read = await user.Client.GetGroupOkAsync(group);
        Assert.Equal([videos[0], videos[2]], GroupSteps.VideoIds(read));
        Assert.Equal([0, 1], read["videos"]!.AsArray().Select(v => v!["order"]!.GetValue<int>()));
        (await user.Client.GetAsync($"/api/videos/{videos[1]}/", Ct)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Removing_a_video_that_is_not_in_the_group_is_a_404()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 2);
        var group = await user.Client.CreateGroupOkAsync();
        await user.Client.AddVideosOkAsync(group, videos[0]);

        await (await user.Client.DeleteAsync($"/api/videos/groups/{group}/videos/{videos[1]}/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.DeleteAsync($"/api/videos/groups/{group}/videos/987654321/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal([videos[0]], await api.StoredOrderAsync(group));
    }

    [Fact]
    public async Task Deleting_a_video_removes_it_from_every_group_it_was_in()
    {
        using var user = await api.SignInNewUserAsync();
        var videos = await api.InsertVideosAsync(user.Id, 2);
        var first = await user.Client.CreateGroupOkAsync("First");
        var second = await user.Client.CreateGroupOkAsync("Second");
        await user.Client.AddVideosOkAsync(first, videos);
        await user.Client.AddVideosOkAsync(second, videos[0]);

        (await user.Client.DeleteAsync($"/api/videos/{videos[0]}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        Assert.Equal([videos[1]], GroupSteps.VideoIds(await user.Client.GetGroupOkAsync(first)));
        var emptied = await user.Client.GetGroupOkAsync(second);
        Assert.Empty(emptied["videos"]!.AsArray());
        Assert.Equal(0, emptied["video_count"]!.GetValue<int>());
    }
}
