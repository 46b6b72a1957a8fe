using System.Net;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Sharing;

public static class ShareSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Shares the group and returns its token.</summary>
    public static async Task<string> ShareOkAsync(this HttpClient owner, int groupId)
    {
        var link = await (await owner.PostAsync($"/api/videos/groups/{groupId}/share/", null, Ct))
            .AssertStatus(HttpStatusCode.Created).JsonAsync();
        return link["share_token"]!.GetValue<string>();
    }

    /// <summary>The guest view, as someone who is not signed in opens it.</summary>
    public static async Task<HttpResponseMessage> OpenShareAsync(this ApiFactory api, string token)
    {
        using var guest = api.CreateClient();
        return await guest.GetAsync($"/api/share/{Uri.EscapeDataString(token)}/", Ct);
    }
}
