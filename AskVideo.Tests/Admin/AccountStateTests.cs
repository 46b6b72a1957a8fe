using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Admin;

/// <summary>What an account's state does beyond its own requests: its links, and its last sign-in.</summary>
public sealed class AccountStateTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_deactivated_owners_signed_and_shared_media_links_answer_404_at_once_and_play_again_after_reactivation()
    {
        using var owner = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(owner.Id);
        var file = Path.Combine(api.MediaRoot, video.StorageKey);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4], Ct);
        var signed = (await owner.Client.GetOkAsync($"/api/videos/{video.Id}/"))["media_url"]!.GetValue<string>();
        var group = await owner.Client.CreateGroupOkAsync("Talks");
        await owner.Client.AddVideosOkAsync(group, video.Id);
        var shared = $"/api/media/videos/{video.Id}?share_token={await owner.Client.ShareOkAsync(group)}";
        using var guest = api.CreateClient();
        (await guest.GetAsync(signed, Ct)).AssertStatus(HttpStatusCode.OK);
        (await guest.GetAsync(shared, Ct)).AssertStatus(HttpStatusCode.OK);

        // Written as another replica would: nothing on this one is told, so no cache can be what stops the links.
        await SetDeactivatedAsync(owner.Id, DateTimeOffset.UtcNow);

        await (await guest.GetAsync(signed, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.GetAsync(shared, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        await SetDeactivatedAsync(owner.Id, null);
        (await guest.GetAsync(signed, Ct)).AssertStatus(HttpStatusCode.OK);
        (await guest.GetAsync(shared, Ct)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Last_sign_in_is_the_latest_password_sign_in_and_a_refresh_does_not_move_it()
    {
        using var admin = await api.SignInNewAdminAsync();
        var account = await api.CreateVerifiedAccountAsync();
        var listed = await admin.Client.GetOkAsync($"/api/admin/users/?q={account.Username}");
        var id = listed["results"]![0]!["id"]!.GetValue<int>();
        Assert.Null(listed["results"]![0]!["last_sign_in_at"]);

        using var anonymous = api.CreateClient();
        var first = await anonymous.LoginOkAsync(account);
        var afterLogin = await LastSignInAsync(id);
        Assert.NotNull(afterLogin);
        Assert.Equal(afterLogin, (await admin.Client.GetOkAsync($"/api/admin/users/{id}/"))["last_sign_in_at"]!.GetValue<DateTimeOffset>());

        (await anonymous.RefreshAsync(first.Refresh)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(afterLogin, await LastSignInAsync(id));

        await anonymous.LoginOkAsync(account);
        var afterSecondLogin = await LastSignInAsync(id);
        Assert.True(afterSecondLogin > afterLogin, $"{afterSecondLogin:O} is not after {afterLogin:O}");
        var page = await admin.Client.GetOkAsync($"/api/admin/users/?q={account.Username}");
        Assert.Equal(afterSecondLogin, page["results"]![0]!["last_sign_in_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Quota_overrides_set_at_the_same_time_all_succeed_and_one_of_them_is_kept()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(1, 8).Select(n =>
            admin.Client.PutAsJsonAsync($"/api/admin/users/{user.Id}/quotas/", new { max_videos = n }, Ct)));

        Assert.All(answers, a => a.AssertStatus(HttpStatusCode.OK));
        var kept = await admin.Client.GetOkAsync($"/api/admin/users/{user.Id}/quotas/");
        Assert.InRange(kept["overrides"]!["max_videos"]!.GetValue<int>(), 1, 8);
        await using var db = api.OpenDb();
        Assert.Equal(8, await db.AuditEntries.CountAsync(e => e.Action == "user.quotas" && e.ResourceId == user.Id.ToString(), Ct));
    }

    private async Task SetDeactivatedAsync(int userId, DateTimeOffset? at)
    {
        await using var db = api.OpenDb();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, at), Ct);
    }

    private async Task<DateTimeOffset?> LastSignInAsync(int userId)
    {
        await using var db = api.OpenDb();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.LastSignInAt).SingleAsync(Ct);
    }
}
