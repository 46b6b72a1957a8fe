using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AskVideo.Tests.Videos;

/// <summary>A signed-in user of one API instance, with a client that carries the access token.</summary>
public sealed class SignedInUser(HttpClient client, TestAccount account, int id) : IDisposable
{
    public HttpClient Client { get; } = client;
    public TestAccount Account { get; } = account;
    public int Id { get; } = id;

    public void Dispose() => Client.Dispose();
}

/// <summary>Video steps over real HTTP, and the checks that look behind the API (database, storage, stream).</summary>
public static class VideoSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<SignedInUser> SignInNewUserAsync(this ApiFactory api)
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var anonymous = api.CreateClient();
        var tokens = await anonymous.LoginOkAsync(account);
        var client = api.CreateClient(tokens.Access);
        var me = await (await client.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        return new SignedInUser(client, account, me["id"]!.GetValue<int>());
    }

    /// <summary>POST /api/videos/ with the file at <paramref name="path"/>, sent under <paramref name="fileName"/>.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(
        this HttpClient client, string path, string? fileName = null, string? title = null, string? description = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName ?? Path.GetFileName(path));
        if (title is not null)
        {
            form.Add(new StringContent(title), "title");
        }
        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }
        return await client.PostAsync("/api/videos/", form, Ct);
    }

    public static async Task<JsonNode> UploadOkAsync(this HttpClient client, string path, string? fileName = null, string? title = null)
    {
        var response = await client.UploadAsync(path, fileName, title);
        return await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
    }

    public static AppDbContext OpenDb(this ApiFactory api) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(api.DatabaseConnectionString, npgsql => npgsql.UseVector()).Options);

    /// <summary>A video row written straight to the database, for states an upload cannot reach quickly.</summary>
    public static async Task<Video> InsertVideoAsync(this ApiFactory api, int ownerId, Action<Video>? configure = null)
    {
        var now = DateTimeOffset.UtcNow;
        var folder = Guid.NewGuid().ToString("N");
        var video = new Video
        {
            OwnerId = ownerId,
            Title = "Inserted " + folder[..6],
            OriginalFileName = "inserted.mp4",
            StorageKey = $"videos/{folder}/original.mp4",
            ContentType = "video/mp4",
            SizeBytes = 1000,
            DurationSeconds = 10,
            HasVideoTrack = true,
            Status = VideoStatus.Completed,
            ProgressStage = "completed",
            ProgressPercent = 100,
            CreatedAt = now,
            UpdatedAt = now,
        };
        configure?.Invoke(video);
        await using var db = api.OpenDb();
        db.Videos.Add(video);
        await db.SaveChangesAsync(Ct);
        return video;
    }

    public static async Task SetStatusAsync(this ApiFactory api, int videoId, VideoStatus status, string? stage, int percent, string? error = null)
    {
        await using var db = api.OpenDb();
        var updated = await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, status)
            .SetProperty(v => v.ProgressStage, stage)
            .SetProperty(v => v.ProgressPercent, percent)
            .SetProperty(v => v.ErrorMessage, error), Ct);
        Assert.Equal(1, updated);
    }

    /// <summary>Every file and folder under the media root, relative to it, except the shared <c>videos</c> folder.</summary>
    public static string[] MediaEntries(this ApiFactory api) => Directory.Exists(api.MediaRoot)
        ? [.. Directory.EnumerateFileSystemEntries(api.MediaRoot, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(api.MediaRoot, path))
            .Where(path => path != "videos")
            .Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The job stream of this instance's database.</summary>
    public static string StreamKey(this ApiFactory api) =>
        JobStream.ForDatabase(new Npgsql.NpgsqlConnectionStringBuilder(api.DatabaseConnectionString).Database!).Key;

    /// <summary>True when the job stream holds an entry for this job, carrying the job's trace.</summary>
    public static async Task<bool> StreamHasJobAsync(this ApiFactory api, Job job)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(api.Servers.Redis.ConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync(api.StreamKey());
        return entries.Any(e => (string?)e[JobStream.JobIdField] == job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && (string?)e[JobStream.TraceParentField] == job.TraceParent);
    }
}
