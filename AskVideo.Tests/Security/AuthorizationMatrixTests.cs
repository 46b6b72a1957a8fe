using System.Net;
using System.Text;
using AskVideo.Tests.Chat;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Security;

/// <summary>
/// Every endpoint the API maps, called by everyone who should not get in: the answer must be the
/// one in the table below, and nothing the victim owns may change. An endpoint that is not in the
/// table fails the test, so a new endpoint cannot skip this check.
/// </summary>
public sealed class AuthorizationMatrixTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Caller { Anonymous, OtherUser, ShareTokenOfAnotherGroup, RevokedShareToken, ExpiredJwt, TamperedJwt }

    /// <summary>What an endpoint is, and so how each caller must be answered.</summary>
    private enum Kind
    {
        /// <summary>Open to anyone; called with an empty JSON body it answers the same to all.</summary>
        Public,
        /// <summary>Acts on the caller's own account or collection: 401 unless signed in.</summary>
        OwnScope,
        /// <summary>Names one of the victim's resources: 401 unless signed in, 404 for another user.</summary>
        VictimResource,
        /// <summary>Media delivery: anyone without a valid credential for that file gets 404.</summary>
        Media,
        /// <summary>
        /// Chat that a guest may use with a share token (asking, rating): called with a valid body
        /// naming the victim's group or answer, 401 for a caller with no valid credential at all
        /// (anonymous, expired or tampered JWT: an invalid token counts as none), 404 for another
        /// user and for a share token that is not the victim group's current one. (With an empty
        /// body these endpoints answer 400 to everyone, since the body is validated before access,
        /// which would check nothing; hence the bodies in World.Body.)
        /// </summary>
        GuestOrOwner,
        /// <summary>The operator's area: 404 to everyone who is not an active admin, as if it did not exist.</summary>
        Admin,
    }

    // METHOD + route pattern → kind, and for Public and OwnScope the status another caller must get.
    private static readonly Dictionary<string, (Kind Kind, HttpStatusCode Expected)> s_table = new()
    {
        ["GET /health"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /alive"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /openapi/{documentName}.json"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /scalar/{documentName?}"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /scalar/scalar.js"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /scalar/scalar.aspnetcore.js"] = (Kind.Public, HttpStatusCode.OK),
        ["GET /scalar/favicon.svg"] = (Kind.Public, HttpStatusCode.OK),

        ["POST /api/auth/signup/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/verify-email/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/resend-verification/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/login/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/refresh/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/logout/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/password-reset/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["POST /api/auth/password-reset/confirm/"] = (Kind.Public, HttpStatusCode.BadRequest),
        ["GET /api/share/{token}/"] = (Kind.Public, HttpStatusCode.OK),

        ["GET /api/auth/me/"] = (Kind.OwnScope, HttpStatusCode.OK),
        ["PATCH /api/auth/me/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["DELETE /api/auth/me/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["POST /api/videos/"] = (Kind.OwnScope, HttpStatusCode.UnsupportedMediaType),
        ["GET /api/videos/"] = (Kind.OwnScope, HttpStatusCode.OK),
        ["POST /api/videos/groups/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["GET /api/videos/groups/"] = (Kind.OwnScope, HttpStatusCode.OK),
        ["POST /api/videos/groups/reorder/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["POST /api/chat/"] = (Kind.GuestOrOwner, HttpStatusCode.NotFound),
        ["POST /api/chat/feedback/"] = (Kind.GuestOrOwner, HttpStatusCode.NotFound),
        // History is the owner's alone: a share token opens none of it (401 without a JWT).
        ["GET /api/chat/history/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["GET /api/chat/history/export/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),
        ["DELETE /api/chat/history/"] = (Kind.OwnScope, HttpStatusCode.BadRequest),

        ["GET /api/videos/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["PATCH /api/videos/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["DELETE /api/videos/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["POST /api/videos/{id:int}/retranscribe/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["GET /api/videos/{id:int}/transcript/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["PATCH /api/videos/{id:int}/transcript/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["GET /api/videos/{id:int}/events/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["GET /api/videos/groups/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["PATCH /api/videos/groups/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["DELETE /api/videos/groups/{id:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["POST /api/videos/groups/{id:int}/videos/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["DELETE /api/videos/groups/{id:int}/videos/{videoId:int}/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["POST /api/videos/groups/{id:int}/reorder/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["POST /api/videos/groups/{id:int}/share/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["GET /api/videos/groups/{id:int}/share/"] = (Kind.VictimResource, HttpStatusCode.NotFound),
        ["DELETE /api/videos/groups/{id:int}/share/"] = (Kind.VictimResource, HttpStatusCode.NotFound),

        ["GET /api/media/videos/{id:int}"] = (Kind.Media, HttpStatusCode.NotFound),
        ["HEAD /api/media/videos/{id:int}"] = (Kind.Media, HttpStatusCode.NotFound),

        ["GET /api/admin/users/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/users/{id:int}/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["POST /api/admin/users/{id:int}/deactivate/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["POST /api/admin/users/{id:int}/reactivate/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["POST /api/admin/users/{id:int}/verify-email/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["DELETE /api/admin/users/{id:int}/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/users/{id:int}/quotas/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["PUT /api/admin/users/{id:int}/quotas/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/videos/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/jobs/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["POST /api/admin/jobs/{id:long}/retry/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["POST /api/admin/jobs/{id:long}/discard/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/queue/"] = (Kind.Admin, HttpStatusCode.NotFound),
        ["GET /api/admin/audit/"] = (Kind.Admin, HttpStatusCode.NotFound),
    };

    [Fact]
    public async Task Every_endpoint_refuses_everyone_but_its_rightful_caller_and_changes_nothing()
    {
        var world = await World.CreateAsync(api);
        var endpoints = MappedEndpoints();
        var missing = endpoints.Where(e => !s_table.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        Assert.True(missing.Count == 0, "Endpoints missing from the authorization table: " + string.Join(", ", missing));

        var before = await world.VictimFingerprintAsync();
        var mismatches = new List<string>();
        foreach (var (key, (method, pattern)) in endpoints)
        {
            var (kind, expected) = s_table[key];
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var want = Expected(kind, expected, caller);
                using var request = world.Request(method, pattern, caller);
                using var response = await world.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
                if (response.StatusCode != want)
                {
                    mismatches.Add($"{key} as {caller}: expected {(int)want}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(before, await world.VictimFingerprintAsync());
    }

    private static HttpStatusCode Expected(Kind kind, HttpStatusCode expected, Caller caller) => kind switch
    {
        Kind.Public => expected,
        Kind.Media or Kind.Admin => HttpStatusCode.NotFound,
        Kind.GuestOrOwner when caller is Caller.Anonymous or Caller.ExpiredJwt or Caller.TamperedJwt => HttpStatusCode.Unauthorized,
        Kind.GuestOrOwner => expected,
        _ when caller != Caller.OtherUser => HttpStatusCode.Unauthorized,
        _ => expected,
    };

    private Dictionary<string, (string Method, string Pattern)> MappedEndpoints()
    {
        var result = new Dictionary<string, (string, string)>();
        foreach (var endpoint in api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                result[$"{method} {pattern}"] = (method, pattern);
            }
        }
        return result;
    }

    /// <summary>A victim with a video in a shared group, another user, and the tokens the callers carry.</summary>
    private sealed class World
    {
        public required ApiFactory Api { get; init; }
        public required HttpClient Client { get; init; }
        public required int VictimId { get; init; }
        public required string VictimUsername { get; init; }
        public required int VideoId { get; init; }
        /// <summary>The job of the victim's upload: what an admin endpoint would retry or discard.</summary>
        public required long VictimJobId { get; init; }
        public required int GroupId { get; init; }
        /// <summary>An answer a guest gave in the victim's shared group: what a rating would change.</summary>
        public required long ChatLogId { get; init; }
        public required string VictimShareToken { get; init; }
        public required string OtherUsersShareToken { get; init; }
        public required string RevokedShareToken { get; init; }
        public required string OtherUserJwt { get; init; }
        public required string ExpiredJwt { get; init; }
        public required string TamperedJwt { get; init; }

        public static async Task<World> CreateAsync(ApiFactory api)
        {
            var victim = await api.SignInNewUserAsync();
            var other = await api.SignInNewUserAsync();
            var video = await victim.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
            var videoId = video["id"]!.GetValue<int>();
            var group = await victim.Client.CreateGroupOkAsync("Victim's group");
            await victim.Client.AddVideosOkAsync(group, videoId);
            var victimToken = await victim.Client.ShareOkAsync(group);

            var revokedGroup = await victim.Client.CreateGroupOkAsync("Once shared");
            await victim.Client.AddVideosOkAsync(revokedGroup, videoId);
            var revoked = await victim.Client.ShareOkAsync(revokedGroup);
            (await victim.Client.DeleteAsync($"/api/videos/groups/{revokedGroup}/share/", Ct)).AssertStatus(HttpStatusCode.NoContent);

            var otherGroup = await other.Client.CreateGroupOkAsync("Someone else's group");
            var otherToken = await other.Client.ShareOkAsync(otherGroup);

            var chatLogId = await api.SeedLogAsync(group, "A guest's question?", shared: true, feedback: "good");
            long jobId;
            await using (var db = api.OpenDb())
            {
                jobId = await db.Jobs.Where(j => j.VideoId == videoId).Select(j => j.Id).FirstAsync(Ct);
            }

            var victimJwt = victim.Client.DefaultRequestHeaders.Authorization!.Parameter!;
            return new World
            {
                Api = api,
                Client = api.CreateClient(),
                VictimId = victim.Id,
                VictimUsername = victim.Account.Username,
                VideoId = videoId,
                VictimJobId = jobId,
                GroupId = group,
                ChatLogId = chatLogId,
                VictimShareToken = victimToken,
                OtherUsersShareToken = otherToken,
                RevokedShareToken = revoked,
                OtherUserJwt = other.Client.DefaultRequestHeaders.Authorization!.Parameter!,
                ExpiredJwt = api.Mint(victim.Id, DateTime.UtcNow.AddMinutes(-5)),
                TamperedJwt = Tamper(victimJwt),
            };
        }

        public HttpRequestMessage Request(string method, string pattern, Caller caller)
        {
            var path = pattern
                .Replace("{token}", VictimShareToken, StringComparison.Ordinal)
                .Replace("{videoId:int}", VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{id:long}", VictimJobId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{documentName}", "v1", StringComparison.Ordinal)
                .Replace("{documentName?}", "v1", StringComparison.Ordinal)
                .Replace("{id:int}", (pattern.StartsWith("/api/videos/groups", StringComparison.Ordinal) ? GroupId
                        : pattern.StartsWith("/api/admin/users", StringComparison.Ordinal) ? VictimId : VideoId)
                    .ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            path += caller switch
            {
                Caller.ShareTokenOfAnotherGroup => "?share_token=" + OtherUsersShareToken,
                Caller.RevokedShareToken => "?share_token=" + RevokedShareToken,
                _ => "",
            };
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            var bearer = caller switch
            {
                Caller.OtherUser => OtherUserJwt,
                Caller.ExpiredJwt => ExpiredJwt,
                Caller.TamperedJwt => TamperedJwt,
                _ => null,
            };
            if (bearer is not null)
            {
                request.Headers.Authorization = new("Bearer", bearer);
            }
            if (method is "POST" or "PATCH" or "DELETE" or "PUT" && !path.StartsWith("/api/videos/?", StringComparison.Ordinal) && pattern != "/api/videos/")
            {
                // A body that would be acted on if the caller got through.
                request.Content = new StringContent(Body(method, pattern), Encoding.UTF8, "application/json");
            }
            return request;
        }

        private string Body(string method, string pattern) => (method, pattern) switch
        {
            ("PATCH", "/api/videos/{id:int}/") => """{"title":"taken over"}""",
            ("PATCH", "/api/videos/groups/{id:int}/") => """{"name":"taken over"}""",
            ("POST", "/api/videos/groups/{id:int}/videos/") => $$"""{"video_ids":[{{VideoId}}]}""",
            ("POST", "/api/videos/groups/{id:int}/reorder/") => $$"""{"video_ids":[{{VideoId}}]}""",
            ("POST", "/api/chat/") => $$"""{"group_id":{{GroupId}},"messages":[{"role":"user","content":"What is said?"}]}""",
            ("POST", "/api/chat/feedback/") => $$"""{"chat_log_id":{{ChatLogId}},"feedback":"bad"}""",
            ("PUT", "/api/admin/users/{id:int}/quotas/") => """{"max_videos":0}""",
            ("DELETE", "/api/admin/users/{id:int}/") => $$"""{"confirm_username":"{{VictimUsername}}"}""",
            _ => "{}",
        };

        /// <summary>Everything the victim owns, as one comparable string.</summary>
        public async Task<string> VictimFingerprintAsync()
        {
            await using var db = Api.OpenDb();
            var user = await db.Users.AsNoTracking().Where(u => u.Id == VictimId)
                .Select(u => $"{u.UserName}|{u.Email}|{u.EmailConfirmed}|{u.PasswordHash}|{u.SecurityStamp}|{u.DeactivatedAt}").SingleAsync(Ct);
            var videos = await db.Videos.AsNoTracking().Where(v => v.OwnerId == VictimId).OrderBy(v => v.Id)
                .Select(v => $"{v.Id}|{v.Title}|{v.Description}|{v.Status}|{v.StorageKey}").ToListAsync(Ct);
            var groups = await db.VideoGroups.AsNoTracking().Where(g => g.OwnerId == VictimId).OrderBy(g => g.Id)
                .Select(g => $"{g.Id}|{g.Name}|{g.Description}|{g.Position}|{g.ShareToken}").ToListAsync(Ct);
            var members = await db.VideoGroupMembers.AsNoTracking().Where(m => db.VideoGroups.Any(g => g.Id == m.GroupId && g.OwnerId == VictimId))
                .OrderBy(m => m.GroupId).ThenBy(m => m.VideoId).Select(m => $"{m.GroupId}|{m.VideoId}|{m.Position}").ToListAsync(Ct);
            var jobs = string.Join(",", await db.Jobs.AsNoTracking().Where(j => db.Videos.Any(v => v.Id == j.VideoId && v.OwnerId == VictimId))
                .OrderBy(j => j.Id).Select(j => $"{j.Id}:{j.Status}:{j.Attempts}").ToListAsync(Ct));
            var audit = await db.AuditEntries.AsNoTracking().CountAsync(Ct);
            var sessions = await db.RefreshTokens.AsNoTracking().Where(t => t.UserId == VictimId).CountAsync(t => t.RevokedAt == null, Ct);
            var chatLogs = await db.ChatLogs.AsNoTracking().Where(l => db.VideoGroups.Any(g => g.Id == l.GroupId && g.OwnerId == VictimId))
                .OrderBy(l => l.Id).Select(l => $"{l.Id}|{l.GroupId}|{l.Feedback}").ToListAsync(Ct);
            var answers = await db.AnswerUsage.AsNoTracking().Where(u => u.UserId == VictimId).SumAsync(u => u.Count, Ct);
            return string.Join("\n", [user, .. videos, .. groups, .. members, $"jobs {jobs}", $"audit {audit}", $"sessions {sessions}", .. chatLogs, $"answers {answers}"]);
        }

        /// <summary>The victim's own valid token with one character of its signature changed.</summary>
        private static string Tamper(string jwt)
        {
            var last = jwt[^2];
            return jwt[..^2] + (last == 'A' ? 'B' : 'A') + jwt[^1];
        }
    }
}
