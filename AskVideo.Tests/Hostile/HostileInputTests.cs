using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.Chat;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Hostile;

/// <summary>
/// Every operation of the published OpenAPI document, called with hostile input of every family
/// (see <see cref="HostileRequests"/>). Each answer must be below 500, a ProblemDetails a person
/// can act on when it is an error, free of stack traces and internal type names, and must not
/// reflect a header from the input; and none of the owner's data may be lost.
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
        using var anonymous = api.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct))!;
        var requests = HostileRequests.For(document, world).ToList();
        var operations = requests.Select(r => r.Operation).Distinct().ToList();
        Assert.Contains("POST /api/chat", operations.Select(o => o.TrimEnd('/')));
        Assert.Contains("POST /api/videos", operations.Select(o => o.TrimEnd('/')));
        var before = await FingerprintAsync(world);

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
                return null;
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
        var tampered = jwt[..^2] + (jwt[^2] == 'A' ? 'B' : 'A') + jwt[^1];
        _ownerId = owner.Id;
        return new OwnerWorld(videoId, group, chatLog, share, jwt, tampered);
    }

    private int _ownerId;

    /// <summary>
    /// What the owner must not lose: the account and its credentials, the video with its file,
    /// status and job, the groups with their share links and members, the chat log. Titles, names
    /// and the user name are left out: a hostile looking but valid value (a formula, a right-to-left
    /// mark, a long number as a user name) is an edit the owner may make.
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
        return string.Join("\n", [user, .. videos, .. files.Select(f => $"{f}: {File.Exists(Path.Combine(api.MediaRoot, f))}"),
            .. groups, .. members, $"jobs {jobs}", $"sessions {sessions}", log]);
    }
}
