using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AskVideo.Tests.Admin;

/// <summary>Who gets into /api/admin/, what deactivation does, and the audit trail.</summary>
public sealed class AdminAccessTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_admin_endpoint_answers_404_to_users_deactivated_accounts_and_guests_and_works_for_an_admin()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        using var anotherUser = await api.SignInNewUserAsync();
        using var formerAdmin = await api.SignInNewAdminAsync();
        await admin.Client.PostOkAsync($"/api/admin/users/{formerAdmin.Id}/deactivate/");
        using var deactivatedUser = await api.SignInNewUserAsync();
        await admin.Client.PostOkAsync($"/api/admin/users/{deactivatedUser.Id}/deactivate/");
        var group = await user.Client.CreateGroupOkAsync("Shared");
        var shareToken = await user.Client.ShareOkAsync(group);
        var retried = await api.InsertFailedJobAsync(user.Id);
        var discarded = await api.InsertFailedJobAsync(user.Id);
        using var doomed = await api.SignInNewUserAsync();
        var confirm = $$"""{"confirm_username":"{{doomed.Account.Username}}"}""";
        string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

        // What an admin gets from each endpoint, called in this order (reactivate undoes deactivate).
        var forAdmin = new (string Key, string Path, HttpStatusCode Status)[]
        {
            ("GET /api/admin/users/", "/api/admin/users/?q=user_", HttpStatusCode.OK),
            ("GET /api/admin/users/{id:int}/", $"/api/admin/users/{Id(user.Id)}/", HttpStatusCode.OK),
            ("POST /api/admin/users/{id:int}/deactivate/", $"/api/admin/users/{Id(user.Id)}/deactivate/", HttpStatusCode.OK),
            ("POST /api/admin/users/{id:int}/reactivate/", $"/api/admin/users/{Id(user.Id)}/reactivate/", HttpStatusCode.OK),
            ("POST /api/admin/users/{id:int}/verify-email/", $"/api/admin/users/{Id(user.Id)}/verify-email/", HttpStatusCode.OK),
            ("GET /api/admin/jobs/", "/api/admin/jobs/?status=failed", HttpStatusCode.OK),
            ("POST /api/admin/jobs/{id:long}/retry/", $"/api/admin/jobs/{Id(retried)}/retry/", HttpStatusCode.Accepted),
            ("POST /api/admin/jobs/{id:long}/discard/", $"/api/admin/jobs/{Id(discarded)}/discard/", HttpStatusCode.NoContent),
            ("GET /api/admin/queue/", "/api/admin/queue/", HttpStatusCode.OK),
            ("GET /api/admin/audit/", "/api/admin/audit/", HttpStatusCode.OK),
            ("GET /api/admin/users/{id:int}/quotas/", $"/api/admin/users/{Id(user.Id)}/quotas/", HttpStatusCode.OK),
            ("PUT /api/admin/users/{id:int}/quotas/", $"/api/admin/users/{Id(user.Id)}/quotas/", HttpStatusCode.OK),
            ("GET /api/admin/videos/", $"/api/admin/videos/?status=error&owner_id={Id(user.Id)}", HttpStatusCode.OK),
            ("DELETE /api/admin/users/{id:int}/", $"/api/admin/users/{Id(doomed.Id)}/", HttpStatusCode.NoContent),
        };
        var mapped = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/admin", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(mapped, forAdmin.Select(e => e.Key).Order(StringComparer.Ordinal));

        using var anonymous = api.CreateClient();
        var refused = new (string Who, HttpClient Client, string Query)[]
        {
            ("anonymous", anonymous, ""),
            // The paths name this user's own account and jobs...
            ("a user", user.Client, ""),
            // ...and someone else's, for this one.
            ("another user", anotherUser.Client, ""),
            ("a deactivated user", deactivatedUser.Client, ""),
            ("a deactivated admin", formerAdmin.Client, ""),
            ("a guest with a share token", anonymous, "?share_token=" + shareToken),
        };
        var auditBefore = (await api.AuditActionsAsync()).Count;
        foreach (var (key, path, _) in forAdmin)
        {
            foreach (var (who, client, query) in refused)
            {
                using var response = await client.SendAsync(Request(key, path.Split('?')[0] + query, confirm), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{key} as {who}: {(int)response.StatusCode}");
                await response.AssertProblemAsync(HttpStatusCode.NotFound);
            }
        }
        Assert.Equal(auditBefore, (await api.AuditActionsAsync()).Count);

        foreach (var (key, path, status) in forAdmin)
        {
            using var response = await admin.Client.SendAsync(Request(key, path, confirm), Ct);
            Assert.True(response.StatusCode == status, $"{key} as admin: expected {(int)status}, got {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_method_an_admin_path_does_not_take_answers_404_to_a_user_as_the_path_itself_does()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        using var anonymous = api.CreateClient();

        foreach (var client in new[] { user.Client, anonymous })
        {
            await (await client.PatchAsync("/api/admin/users/", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await client.DeleteAsync("/api/admin/queue/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        // The admin hears what routing says.
        (await admin.Client.PatchAsync("/api/admin/users/", null, Ct)).AssertStatus(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task An_admin_is_an_ordinary_user_outside_the_admin_area()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var other = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(other.Id);

        (await admin.Client.GetAsync($"/api/videos/{video.Id}/", Ct)).AssertStatus(HttpStatusCode.NotFound);
        var own = await admin.Client.GetOkAsync("/api/videos/");
        Assert.Equal(0, own["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_deactivated_user_is_refused_at_once_with_refresh_tokens_revoked_and_share_links_closed_until_reactivated()
    {
        using var admin = await api.SignInNewAdminAsync();
        var account = await api.CreateVerifiedAccountAsync();
        using var anonymous = api.CreateClient();
        var tokens = await anonymous.LoginOkAsync(account);
        using var user = api.CreateClient(tokens.Access);
        var me = await user.GetOkAsync("/api/auth/me/");
        var userId = me["id"]!.GetValue<int>();
        var group = await user.CreateGroupOkAsync("Talks");
        var shareToken = await user.ShareOkAsync(group);
        (await api.OpenShareAsync(shareToken)).AssertStatus(HttpStatusCode.OK);

        var deactivated = await admin.Client.PostOkAsync($"/api/admin/users/{userId}/deactivate/");
        Assert.False(deactivated["is_active"]!.GetValue<bool>());

        // This replica forgets the account's cached status at once, so the bound here is zero.
        await (await user.GetAsync("/api/auth/me/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.RefreshAsync(tokens.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var login = await (await anonymous.LoginAsync(account.Username, account.Password)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Account deactivated.", login["title"]!.GetValue<string>());
        await (await api.OpenShareAsync(shareToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        await using (var db = api.OpenDb())
        {
            Assert.Equal(0, await db.RefreshTokens.CountAsync(t => t.UserId == userId && t.RevokedAt == null, Ct));
        }

        await admin.Client.PostOkAsync($"/api/admin/users/{userId}/reactivate/");
        (await api.OpenShareAsync(shareToken)).AssertStatus(HttpStatusCode.OK);
        var again = await anonymous.LoginOkAsync(account);
        using var back = api.CreateClient(again.Access);
        await back.GetOkAsync("/api/auth/me/");
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themselves()
    {
        using var admin = await api.SignInNewAdminAsync();

        await (await admin.Client.PostAsync($"/api/admin/users/{admin.Id}/deactivate/", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await admin.Client.GetOkAsync("/api/admin/users/");
    }

    [Fact]
    public async Task Every_admin_action_leaves_an_audit_row_that_the_database_refuses_to_change()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        var retried = await api.InsertFailedJobAsync(user.Id);
        var discarded = await api.InsertFailedJobAsync(user.Id);
        await using (var db = api.OpenDb())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, false), Ct);
        }

        await admin.Client.PostOkAsync($"/api/admin/users/{user.Id}/deactivate/");
        await admin.Client.PostOkAsync($"/api/admin/users/{user.Id}/reactivate/");
        await admin.Client.PostOkAsync($"/api/admin/users/{user.Id}/verify-email/");
        await admin.Client.PostOkAsync($"/api/admin/jobs/{retried}/retry/", HttpStatusCode.Accepted);
        (await admin.Client.PostAsync($"/api/admin/jobs/{discarded}/discard/", null, Ct)).AssertStatus(HttpStatusCode.NoContent);
        // Refusals and reads change nothing, so they leave no row.
        (await admin.Client.PostAsync($"/api/admin/jobs/{retried}/discard/", null, Ct)).AssertStatus(HttpStatusCode.Conflict);
        await admin.Client.GetOkAsync("/api/admin/users/");

        var page = await admin.Client.GetOkAsync("/api/admin/audit/?limit=5");
        var rows = page["results"]!.AsArray().Select(r => r!).Reverse().ToList();
        Assert.Equal(
            ["user.deactivate", "user.reactivate", "user.verify_email", "job.retry", "job.discard"],
            rows.Select(r => r["action"]!.GetValue<string>()));
        Assert.Equal(
            [$"{user.Id}", $"{user.Id}", $"{user.Id}", $"{retried}", $"{discarded}"],
            rows.Select(r => r["resource_id"]!.GetValue<string>()));
        Assert.All(rows, r =>
        {
            Assert.Equal(admin.Id, r["actor_id"]!.GetValue<int>());
            Assert.Equal(admin.Account.Username, r["actor_name"]!.GetValue<string>());
            Assert.Equal("127.0.0.1", r["ip_address"]!.GetValue<string>());
        });
        Assert.Contains("HTTP 500", rows[4]["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await using var raw = api.OpenDb();
        await Assert.ThrowsAsync<PostgresException>(() => raw.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Action, "edited"), Ct));
        await Assert.ThrowsAsync<PostgresException>(() => raw.AuditEntries.ExecuteDeleteAsync(Ct));
    }

    [Fact]
    public async Task The_user_list_searches_by_name_or_email_and_shows_usage_and_last_sign_in()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        await api.InsertVideoAsync(user.Id, v => v.SizeBytes = 1234);
        await api.InsertVideoAsync(user.Id, v => v.SizeBytes = 766);

        var byName = await admin.Client.GetOkAsync($"/api/admin/users/?q={user.Account.Username[5..].ToUpperInvariant()}");
        var byEmail = await admin.Client.GetOkAsync($"/api/admin/users/?q={Uri.EscapeDataString(user.Account.Email)}");

        foreach (var page in new[] { byName, byEmail })
        {
            Assert.Equal(1, page["count"]!.GetValue<int>());
            var found = page["results"]![0]!;
            Assert.Equal(user.Id, found["id"]!.GetValue<int>());
            Assert.Equal(2, found["usage"]!["videos"]!.GetValue<int>());
            Assert.Equal(2000, found["usage"]!["storage_bytes"]!.GetValue<long>());
            Assert.True(found["usage"]!["processing_minutes_this_month"]!.GetValue<double>() > 0);
            Assert.NotNull(found["last_sign_in_at"]);
            Assert.True(found["is_active"]!.GetValue<bool>());
            Assert.False(found["is_admin"]!.GetValue<bool>());
        }
        var none = await admin.Client.GetOkAsync("/api/admin/users/?q=%25");
        Assert.Equal(0, none["count"]!.GetValue<int>());
        await (await admin.Client.GetAsync("/api/admin/users/?limit=0", Ct)).AssertValidationProblemAsync("limit");
        await (await admin.Client.GetAsync("/api/admin/jobs/?status=dead", Ct)).AssertValidationProblemAsync("status");
        await (await admin.Client.GetAsync("/api/admin/users/999999/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_user_needs_their_username_typed_again_and_takes_their_data_with_it()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id);
        var file = Path.Combine(api.MediaRoot, video.StorageKey);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [1, 2, 3], Ct);
        var path = $"/api/admin/users/{user.Id}/";

        await (await admin.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = Accounts.RawJson("{}") }, Ct))
            .AssertValidationProblemAsync("confirm_username");
        await (await admin.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path)
            { Content = Accounts.RawJson("""{"confirm_username":"someone-else"}""") }, Ct)).AssertValidationProblemAsync("confirm_username");
        await user.Client.GetOkAsync("/api/auth/me/");
        Assert.True(File.Exists(file));

        (await admin.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path)
            { Content = Accounts.RawJson($$"""{"confirm_username":"{{user.Account.Username}}"}""") }, Ct)).AssertStatus(HttpStatusCode.NoContent);

        await (await user.Client.GetAsync("/api/auth/me/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await admin.Client.GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.Id == video.Id, Ct));
        Assert.False(File.Exists(file), "The media file outlived its account.");
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "user.delete" && e.ResourceId == user.Id.ToString(), Ct));
    }

    [Fact]
    public async Task A_quota_override_applies_to_that_user_only_and_clearing_it_restores_the_default()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var limited = await api.SignInNewUserAsync();
        using var other = await api.SignInNewUserAsync();
        var file = await api.Servers.Media.SpeechWavAsync("Quota check.", Ct);

        var set = await (await admin.Client.PutAsJsonAsync($"/api/admin/users/{limited.Id}/quotas/", new { max_videos = 0 }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(0, set["effective"]!["max_videos"]!.GetValue<int>());
        Assert.Null(set["effective"]!["max_storage_bytes"]);

        var refused = await (await limited.Client.UploadAsync(file)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("videos", refused["limit"]!.GetValue<string>());
        await other.Client.UploadOkAsync(file);

        await (await admin.Client.PutAsJsonAsync($"/api/admin/users/{limited.Id}/quotas/", new { max_videos = -1 }, Ct))
            .AssertValidationProblemAsync("max_videos");
        var cleared = await (await admin.Client.PutAsJsonAsync($"/api/admin/users/{limited.Id}/quotas/", new { }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Null(cleared["overrides"]!["max_videos"]);
        await limited.Client.UploadOkAsync(file);
    }

    [Fact]
    public async Task The_video_list_shows_every_owners_videos_filtered_by_status_and_owner()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        var broken = await api.InsertVideoAsync(user.Id, v => v.Status = Core.Videos.VideoStatus.Error);
        await api.InsertVideoAsync(user.Id);

        var page = await admin.Client.GetOkAsync($"/api/admin/videos/?status=error&owner_id={user.Id}");

        Assert.Equal(1, page["count"]!.GetValue<int>());
        Assert.Equal(broken.Id, page["results"]![0]!["id"]!.GetValue<int>());
        Assert.Equal(2, (await admin.Client.GetOkAsync($"/api/admin/videos/?owner_id={user.Id}"))["count"]!.GetValue<int>());
        await (await admin.Client.GetAsync("/api/admin/videos/?owner_id=-1&status=lost", Ct)).AssertValidationProblemAsync("owner_id", "status");
    }

    [Fact]
    public async Task Queue_health_names_the_stream_and_counts_dead_lettered_jobs()
    {
        using var admin = await api.SignInNewAdminAsync();
        using var user = await api.SignInNewUserAsync();
        var before = await admin.Client.GetOkAsync("/api/admin/queue/");

        await api.InsertFailedJobAsync(user.Id);
        var after = await admin.Client.GetOkAsync("/api/admin/queue/");

        Assert.Equal(api.StreamKey(), after["stream"]!.GetValue<string>());
        Assert.Equal(before["dead_lettered"]!.GetValue<int>() + 1, after["dead_lettered"]!.GetValue<int>());
        var failed = await admin.Client.GetOkAsync("/api/admin/jobs/?status=failed");
        Assert.Equal(after["dead_lettered"]!.GetValue<int>(), failed["count"]!.GetValue<int>());
        Assert.All(failed["results"]!.AsArray(), j => Assert.Equal("failed", j!["status"]!.GetValue<string>()));
    }

    private static HttpRequestMessage Request(string key, string path, string deleteBody)
    {
        var method = key.Split(' ')[0];
        return new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method switch
            {
                "POST" or "PUT" => JsonContent.Create(new { }),
                "DELETE" => Accounts.RawJson(deleteBody),
                _ => null,
            },
        };
    }
}
