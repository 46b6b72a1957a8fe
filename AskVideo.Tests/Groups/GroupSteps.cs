using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Groups;

/// <summary>Group steps over real HTTP, and a look at the stored order behind the API.</summary>
public static class GroupSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> CreateGroupAsync(this HttpClient client, string name, string? description = null) =>
        client.PostAsJsonAsync("/api/videos/groups/", new { name, description }, Ct);

    /// <summary>Creates a group and returns its id.</summary>
    public static async Task<int> CreateGroupOkAsync(this HttpClient client, string name = "Lectures", string? description = null)
    {
        var group = await (await client.CreateGroupAsync(name, description)).AssertStatus(HttpStatusCode.Created).JsonAsync();
        return group["id"]!.GetValue<int>();
    }

    public static async Task<JsonNode> GetGroupOkAsync(this HttpClient client, int groupId) =>
        await (await client.GetAsync($"/api/videos/groups/{groupId}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

    public static Task<HttpResponseMessage> AddVideosAsync(this HttpClient client, int groupId, params int[] videoIds) =>
        client.PostAsJsonAsync($"/api/videos/groups/{groupId}/videos/", new { video_ids = videoIds }, Ct);

    public static async Task<JsonNode> AddVideosOkAsync(this HttpClient client, int groupId, params int[] videoIds) =>
        await (await client.AddVideosAsync(groupId, videoIds)).AssertStatus(HttpStatusCode.OK).JsonAsync();

    public static Task<HttpResponseMessage> ReorderVideosAsync(this HttpClient client, int groupId, params int[] videoIds) =>
        client.PostAsJsonAsync($"/api/videos/groups/{groupId}/reorder/", new { video_ids = videoIds }, Ct);

    /// <summary>Inserts <paramref name="count"/> completed videos of the user, titled "{prefix} 1", "{prefix} 2", ...</summary>
    public static async Task<int[]> InsertVideosAsync(this ApiFactory api, int ownerId, int count, string prefix = "Video")
    {
        var ids = new int[count];
        for (var i = 0; i < count; i++)
        {
            var title = $"{prefix} {i + 1}";
            ids[i] = (await api.InsertVideoAsync(ownerId, v => v.Title = title)).Id;
        }
        return ids;
    }

    /// <summary>The ids of the videos in a group response, in the order shown.</summary>
    public static int[] VideoIds(JsonNode group) =>
        [.. group["videos"]!.AsArray().Select(v => v!["id"]!.GetValue<int>())];

    public static int[] Ids(JsonArray items) => [.. items.Select(item => item!["id"]!.GetValue<int>())];

    /// <summary>The group's members as stored, by position: what the API shows must come from here.</summary>
    public static async Task<int[]> StoredOrderAsync(this ApiFactory api, int groupId)
    {
        await using var db = api.OpenDb();
        return [.. await db.VideoGroupMembers.Where(m => m.GroupId == groupId).OrderBy(m => m.Position)
            .Select(m => m.VideoId).ToListAsync(Ct)];
    }
}
