using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Admin;
using AskVideo.Tests.Chat;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Hostile;

/// <summary>
/// Every operation of the published OpenAPI document, called with hostile input of every family
/// (see <see cref="HostileRequests"/>) by an ordinary user, and every admin operation again by an
/// administrator. Each answer must be below 500, a ProblemDetails a person can act on when it is an
/// error, free of stack traces and internal type names, and must not reflect a header from the
/// input; and no data may be lost: not the owner's, not an account, role or job, not an audit row.
/// </summary>
public sealed class HostileInputTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // What only a crash or a leak of internals would put in a body.
    private static readonly string[] s_internals =
    [
        "   at ", "Exception", "StackTrace", "Npgsql", "PostgresException", "SqlState", "System.", "Microsoft.", "AskVideo.",
        "StackExchange", "FFMpegCore", ".cs:line",
    ];

    [Fact]
    public async Task Every_documented_operation_answers_hostile_input_with_a_problem_and_loses_nothing()
    {
        var world = await CreateWorldAsync();
        using var admin = await api.SignInNewAdminAsync();
        _adminId = admin.Id;
        using var anonymous = api.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct))!;
        var requests = HostileRequests.For(document, world, new HostileCaller("admin", admin.Client.DefaultRequestHeaders.Authorization!.Parameter!)).ToList();
        var operations = requests.Select(r => r.Operation).Distinct().ToList();
        Assert.Contains("POST /api/chat", operations.Select(o => o.TrimEnd('/')));
        Assert.Contains("POST /api/videos", operations.Select(o => o.TrimEnd('/')));
        // Every admin operation is driven by the admin as well (14 of them when this was written).
        var adminOperations = operations.Where(o => o.EndsWith(" as admin", StringComparison.Ordinal)).ToList();
        Assert.Equal(operations.Count(o => o.Contains(" " + HostileRequests.AdminPrefix, StringComparison.Ordinal)) / 2, adminOperations.Count);
        Assert.Contains("DELETE /api/admin/users/{id} as admin", adminOperations);
        var before = await FingerprintAsync(world);
        var auditBefore = await AuditTrailAsync();

        var failures = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        using var client = api.CreateClient();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (hostile, ct) =>
        {
            if (await CheckAsync(client, hostile, ct) is { } failure)
            {
                failures.Enqueue($"{hostile.Operation} [{hostile.Family}: {hostile.Description}] {failure}");
            }
        });
        TestContext.Current.SendDiagnosticMessage(
            $"{requests.Count} hostile requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests.Count} answers were wrong:\n" + string.Join("\n", failures.Take(60)));
        var after = await FingerprintAsync(world);
        Assert.True(before == after, $"The owner's data changed.\nBefore:\n{before}\nAfter:\n{after}");
        // The audit trail only grows: every row written before is still there, unchanged.
        var auditAfter = await AuditTrailAsync();
        Assert.Equal(auditBefore, auditAfter.Take(auditBefore.Count));
        // The owner can still sign in and see the library.
        using var owner = api.CreateClient(world.AccessToken);
        (await owner.GetAsync($"/api/videos/{world.VideoId}/", Ct)).AssertStatus(HttpStatusCode.OK);
    }

    private static async Task<string?> CheckAsync(HttpClient client, HostileRequest hostile, CancellationToken ct)
    {
        using var request = hostile.Build();
        // An event stream answered 200 would run until the video changes: the headers say enough.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            return $"no answer: {ex.Message}";
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                return $"{status} set a cookie: {string.Join("; ", cookies)}";
            }
            if (response.Headers.Concat(response.Content.Headers).Any(h => h.Value.Any(v => v.Contains("hacked", StringComparison.Ordinal))))
            {
                return $"{status} reflected a header from the input";
            }
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                return status < 500 ? null : $"{status}";
            }
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (status >= 500)
            {
                return $"{status}: {Shorten(body)}";
            }
            if (s_internals.FirstOrDefault(marker => body.Contains(marker, StringComparison.Ordinal)) is { } leak)
            {
                return $"{status} body shows internals ({leak}): {Shorten(body)}";
            }
            if (status < 400 || request.Method == HttpMethod.Head)
            {
                return PageLinksProblem(status, body);
            }
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return $"{status} is not a ProblemDetails ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}): {Shorten(body)}";
            }
            try
            {
                var problem = JsonNode.Parse(body)!;
                var title = problem["title"]?.GetValue<string>();
                if (problem["status"]?.GetValue<int>() != status || string.IsNullOrWhiteSpace(title))
                {
                    return $"{status} problem without status or title: {Shorten(body)}";
                }
            }
            catch (JsonException)
            {
                return $"{status} problem that is not JSON: {Shorten(body)}";
            }
            return null;
        }
    }

    /// <summary>A page's next and previous links must be pages: an offset that overflowed to a negative number is not one.</summary>
    private static string? PageLinksProblem(int status, string body)
    {
        if (!body.StartsWith('{') || (!body.Contains("\"next\":\"", StringComparison.Ordinal) && !body.Contains("\"previous\":\"", StringComparison.Ordinal)))
        {
            return null;
        }
        var page = JsonNode.Parse(body)!;
        foreach (var link in new[] { page["next"], page["previous"] }.OfType<JsonValue>().Select(l => l.GetValue<string>()))
        {
            var offset = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["offset"];
            if (offset is null || !long.TryParse(offset, out var value) || value < 0)
            {
                return $"{status} links to a page that cannot exist: {link}";
            }
        }
        return null;
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "...";

    private async Task<OwnerWorld> CreateWorldAsync()
    {
        var owner = await api.SignInNewUserAsync();
        var video = await owner.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
        var videoId = video["id"]!.GetValue<int>();
        var group = await owner.Client.CreateGroupOkAsync("Owner's group");
        await owner.Client.AddVideosOkAsync(group, videoId);
        var share = await owner.Client.ShareOkAsync(group);
        var chatLog = await api.SeedLogAsync(group, "A guest's question?", shared: true);
        var jwt = owner.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        // The account the admin's requests name, and its job that failed for good (what a wrongly
        // accepted retry would re-arm and a discard would delete). No other request can touch them:
        // the owner's name may become "12abc", which a deletion's confirmation could then match,
        // and the owner may add their own videos to a group; nobody can do either to this account.
        using var target = await api.SignInNewUserAsync();
        var failedJob = await api.InsertFailedJobAsync(target.Id);
        _ownerId = owner.Id;
        _targetId = target.Id;
        return new OwnerWorld(videoId, group, chatLog, share, jwt, failedJob, target.Id);
    }

    private int _ownerId;
    private int _adminId;
    private int _targetId;

    private async Task<List<string>> AuditTrailAsync()
    {
        await using var db = api.OpenDb();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => $"{e.Id}|{e.ActorId}|{e.Action}|{e.ResourceType}|{e.ResourceId}|{e.Detail}|{e.CreatedAt:O}").ToListAsync(Ct);
    }

    /// <summary>
    /// What must not be lost: the owner's account and its credentials, active state, roles and
    /// quotas, the video with its file, status and job, the groups with their share links and
    /// members, the chat log; every account that existed, and whether it is active and an admin
    /// (the admin's and the target account's included); every job that existed, with its status
    /// and attempts. Titles, names and the user name are left out: a hostile looking but valid value
    /// (a formula, a right-to-left mark, a long number as a user name) is an edit the owner may
    /// make. So are the target account's quotas, which the admin's quota requests may set.
    /// </summary>
    private async Task<string> FingerprintAsync(OwnerWorld world)
    {
        await using var db = api.OpenDb();
        var user = await db.Users.AsNoTracking().Where(u => u.Id == _ownerId)
            .Select(u => $"{u.Email}|{u.EmailConfirmed}|{u.PasswordHash}|{u.LockoutEnd}").FirstOrDefaultAsync(Ct) ?? "account gone";
        var videos = await db.Videos.AsNoTracking().Where(v => v.OwnerId == _ownerId && v.Id == world.VideoId)
            .Select(v => $"{v.Id}|{v.Status}|{v.StorageKey}|{v.OriginalFileName}|{v.SizeBytes}").ToListAsync(Ct);
        var files = await db.Videos.AsNoTracking().Where(v => v.Id == world.VideoId).Select(v => v.StorageKey).ToListAsync(Ct);
        var groups = await db.VideoGroups.AsNoTracking().Where(g => g.Id == world.GroupId)
            .OrderBy(g => g.Id).Select(g => $"{g.Id}|{g.ShareToken}").ToListAsync(Ct);
        var members = await db.VideoGroupMembers.AsNoTracking().Where(m => m.GroupId == world.GroupId)
            .OrderBy(m => m.VideoId).Select(m => $"{m.GroupId}|{m.VideoId}").ToListAsync(Ct);
        var jobs = await db.Jobs.AsNoTracking().CountAsync(j => j.VideoId == world.VideoId, Ct);
        var sessions = await db.RefreshTokens.AsNoTracking().CountAsync(t => t.UserId == _ownerId && t.RevokedAt == null, Ct);
        var log = await db.ChatLogs.AsNoTracking().Where(l => l.Id == world.ChatLogId).Select(l => $"{l.Id}|{l.Feedback}").FirstOrDefaultAsync(Ct) ?? "chat log gone";
        var quota = await db.UserQuotas.AsNoTracking().Where(q => q.UserId == _ownerId)
            .Select(q => $"quota {q.MaxVideos}|{q.MaxStorageBytes}|{q.MaxProcessingMinutesPerMonth}|{q.MaxAnswersPerMonth}").FirstOrDefaultAsync(Ct) ?? "no quota override";
        // Accounts created during the run (a hostile but valid sign-up) are not in the snapshot taken before it.
        var known = new[] { _ownerId, _adminId, _targetId };
        var accounts = await db.Users.AsNoTracking().Where(u => u.Id <= known.Max()).OrderBy(u => u.Id)
            .Select(u => $"user {u.Id}|{u.DeactivatedAt}|{u.EmailConfirmed}|{string.Join(",", db.UserRoles.Where(r => r.UserId == u.Id).OrderBy(r => r.RoleId).Select(r => r.RoleId))}")
            .ToListAsync(Ct);
        var allJobs = await db.Jobs.AsNoTracking().Where(j => j.Id <= world.FailedJobId).OrderBy(j => j.Id)
            .Select(j => $"job {j.Id}|{j.VideoId}|{j.Status}|{j.Attempts}|{j.LastError}").ToListAsync(Ct);
        return string.Join("\n", [user, .. videos, .. files.Select(f => $"{f}: {File.Exists(Path.Combine(api.MediaRoot, f))}"),
            .. groups, .. members, $"jobs {jobs}", $"sessions {sessions}", log, quota, .. accounts, .. allJobs]);
    }
}
