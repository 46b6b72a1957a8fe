using System.Diagnostics;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace AskVideo.Tests.Worker;

/// <summary>A video and its job, committed together as the upload endpoint does.</summary>
public sealed record QueuedVideo(int VideoId, long JobId);

/// <summary>
/// What worker tests stand on: their own database and media folder, a fake OpenAI server, and a
/// Redis connection. Queues videos exactly as the Api does (file in storage, Video + Job in one
/// transaction, then publish), so the worker under test cannot tell the difference.
/// </summary>
public class WorkerTestbed(TestServices services) : IAsyncLifetime
{
    private int _ownerId;

    public TestServices Services => services;
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public IConnectionMultiplexer Redis { get; private set; } = null!;
    public JobStream Stream => JobStream.For(DataSource);
    public string MediaRoot { get; } = Path.Combine(services.RunDirectory, "media", Guid.NewGuid().ToString("N"));
    public TestMedia Media => services.Media;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        Database = await services.CreateDatabaseAsync(Ct);
        DataSource = DatabaseRegistration.BuildDataSource(Database);
        OpenAi = await FakeOpenAiServer.StartAsync();
        var redis = ConfigurationOptions.Parse(services.Redis.ConnectionString);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        Redis = await ConnectionMultiplexer.ConnectAsync(redis);

        await using var db = OpenDb();
        var owner = new User { UserName = $"owner_{Guid.NewGuid():N}", Email = "owner@example.com", CreatedAt = DateTimeOffset.UtcNow };
        db.Users.Add(owner);
        await db.SaveChangesAsync(Ct);
        _ownerId = owner.Id;
    }

    /// <summary>Settings of a worker on this testbed that transcribes with the fake server.</summary>
    public WorkerSettings WorkerSettings() => new(Database, MediaRoot) { Transcription = OpenAi.ConnectionString() };

    public AppDbContext OpenDb() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(DataSource, npgsql => npgsql.UseVector()).Options);

    /// <summary>
    /// Stores <paramref name="file"/> as an upload and commits its Video and Job; publishes unless told
    /// not to. <paramref name="job"/> may set the job's state first (as a worker would have left it).
    /// </summary>
    public async Task<QueuedVideo> QueueAsync(
        string file, bool publish = true, string? traceParent = null, int maxAttempts = 3, Action<Job>? job = null)
    {
        var key = $"videos/{Guid.NewGuid():N}/original{Path.GetExtension(file)}";
        var path = Path.Combine(MediaRoot, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(file, path);

        await using var db = OpenDb();
        var now = DateTimeOffset.UtcNow;
        var video = new Video
        {
            OwnerId = _ownerId,
            Title = Path.GetFileNameWithoutExtension(file),
            OriginalFileName = Path.GetFileName(file),
            StorageKey = key,
            ContentType = "application/octet-stream",
            SizeBytes = new FileInfo(path).Length,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            db.Videos.Add(video);
            await db.SaveChangesAsync(Ct);
            var row = new Job
            {
                VideoId = video.Id,
                MaxAttempts = maxAttempts,
                // Like the Api: a job about to be published is left to the relay only after a grace period.
                NotBefore = publish ? now + TimeSpan.FromMinutes(1) : now,
                TraceParent = traceParent,
                CreatedAt = now,
                UpdatedAt = now,
            };
            job?.Invoke(row);
            db.Jobs.Add(row);
            await db.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
            var queued = new QueuedVideo(video.Id, row.Id);
            if (publish)
            {
                Assert.True(await PublishAsync(queued.JobId, traceParent), "Redis refused the job.");
            }
            return queued;
        }
    }

    /// <summary>Publishes the job as the Api does, or as the relay does a due job when given <paramref name="dueAt"/>.</summary>
    public async Task<bool> PublishAsync(long jobId, string? traceParent = null, DateTimeOffset? dueAt = null)
    {
        await using var db = OpenDb();
        var publisher = new JobPublisher(Redis, DataSource, NullLogger<JobPublisher>.Instance);
        return await publisher.TryPublishAsync(db, jobId, traceParent, Ct, dueAt: dueAt);
    }

    /// <summary>Waits until the video is completed or in error, and returns it.</summary>
    public async Task<Video> WaitUntilDoneAsync(int videoId, TimeSpan timeout) =>
        await WaitForVideoAsync(videoId, v => v.Status is VideoStatus.Completed or VideoStatus.Error, timeout);

    public Task<Video> WaitForVideoAsync(int videoId, Func<Video, bool> condition, TimeSpan timeout) =>
        WaitForAsync(async () =>
        {
            await using var db = OpenDb();
            return await db.Videos.AsNoTracking().SingleAsync(v => v.Id == videoId, Ct);
        }, condition, timeout, $"video {videoId}", v => $"status {v?.Status}, stage {v?.ProgressStage}, error {v?.ErrorMessage}");

    public Task<Job> WaitForJobAsync(long jobId, Func<Job, bool> condition, TimeSpan timeout) =>
        WaitForAsync(() => JobAsync(jobId), condition, timeout, $"job {jobId}", j => $"status {j?.Status}, attempts {j?.Attempts}, error {j?.LastError}");

    /// <summary>Reads until <paramref name="condition"/> holds; on timeout, says what was seen last.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what,
        Func<T?, string>? describe = null)
    {
        var deadline = Stopwatch.StartNew();
        T? last = default;
        while (deadline.Elapsed < timeout)
        {
            last = await read();
            if (condition(last))
            {
                return last;
            }
            await Task.Delay(50, Ct);
        }
        throw new TimeoutException($"{what} did not get there within {timeout}: {describe?.Invoke(last) ?? last?.ToString()}");
    }

    public async Task<Job> JobAsync(long jobId)
    {
        await using var db = OpenDb();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId, Ct);
    }

    public async Task<List<TranscriptSegment>> SegmentsAsync(int videoId)
    {
        await using var db = OpenDb();
        return await db.TranscriptSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.Index).ToListAsync(Ct);
    }

    /// <summary>
    /// Adds an entry for the job to the stream without recording a publish, as a copy left behind
    /// is (by a worker that died before acknowledging, or a publish that landed late).
    /// </summary>
    public async Task AddStrayEntryAsync(long jobId)
    {
        var redis = Redis.GetDatabase();
        await redis.StreamAddAsync(Stream.Key, JobStream.JobIdField, jobId);
        await redis.PublishAsync(RedisChannel.Literal(Stream.WakeChannel), jobId);
    }

    /// <summary>Entries in the stream, read or not: a worker deletes an entry when it acknowledges it.</summary>
    public async Task<long> StreamLengthAsync() => await Redis.GetDatabase().StreamLengthAsync(Stream.Key);

    /// <summary>Entries delivered to a worker but not acknowledged yet.</summary>
    public async Task<long> UnacknowledgedAsync()
    {
        var pending = await Redis.GetDatabase().StreamPendingAsync(Stream.Key, JobStream.Group);
        return pending.PendingMessageCount;
    }

    public virtual async ValueTask DisposeAsync()
    {
        await OpenAi.DisposeAsync();
        await Redis.DisposeAsync();
        await DataSource.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A testbed with one in-process worker that transcribes with the fake server.</summary>
public class PipelineTestbed(TestServices services) : WorkerTestbed(services)
{
    public InProcessWorker Worker { get; private set; } = null!;

    /// <summary>Settings the worker starts with.</summary>
    protected virtual WorkerSettings Configure(WorkerSettings settings) => settings;

    /// <summary>Changes to the worker's services, if a testbed needs any (see <see cref="WorkerHost.StartInProcess"/>).</summary>
    protected virtual Action<IServiceCollection>? ReplaceServices => null;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Worker = WorkerHost.StartInProcess(Services, Configure(WorkerSettings()), ReplaceServices);
    }

    public override async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await base.DisposeAsync();
    }
}
