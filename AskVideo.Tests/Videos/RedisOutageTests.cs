using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AskVideo.Core.Jobs;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

/// <summary>Stops the Redis every test shares, so nothing may run beside it.</summary>
[CollectionDefinition(nameof(RedisOutage), DisableParallelization = true)]
public sealed class RedisOutage;

[Collection(nameof(RedisOutage))]
public sealed class RedisOutageTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_while_redis_is_down_still_succeeds_and_leaves_its_job_to_the_relay()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);

        await api.Servers.Redis.StopAsync(Ct);
        HttpResponseMessage response;
        try
        {
            response = await user.Client.UploadAsync(path);
        }
        finally
        {
            await api.Servers.Redis.RestartAsync(Ct);
        }

        var video = await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
        Assert.Equal("pending", video["status"]!.GetValue<string>());
        await using var db = api.OpenDb();
        var job = await db.Jobs.SingleAsync(j => j.VideoId == video["id"]!.GetValue<int>(), Ct);
        Assert.Null(job.PublishedAt);
        Assert.True(job.NotBefore > job.CreatedAt);
        Assert.False(await api.StreamHasJobAsync(job));
    }

    [Fact]
    public async Task A_transcript_edit_while_redis_is_down_still_succeeds_and_leaves_its_index_job_to_the_relay()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => (v.Status, v.ProgressStage, v.TranscriptText) = (VideoStatus.Completed, "completed", "Hello there."));
        await using (var db = api.OpenDb())
        {
            db.TranscriptSegments.Add(new TranscriptSegment { VideoId = video.Id, Index = 0, Start = 0, End = 2, Text = "Hello there." });
            await db.SaveChangesAsync(Ct);
        }

        await api.Servers.Redis.StopAsync(Ct);
        HttpResponseMessage response;
        try
        {
            response = await user.Client.PatchAsJsonAsync($"/api/videos/{video.Id}/transcript/",
                new { segments = new[] { new { index = 0, text = "Goodbye now." } } }, Ct);
        }
        finally
        {
            await api.Servers.Redis.RestartAsync(Ct);
        }

        var body = await response.AssertStatus(HttpStatusCode.Accepted).JsonAsync();
        Assert.Equal(("Goodbye now.", "pending"), (body["text"]!.GetValue<string>(), body["index_status"]!.GetValue<string>()));
        await using var check = api.OpenDb();
        var job = await check.Jobs.SingleAsync(j => j.VideoId == video.Id, Ct);
        Assert.Equal((JobKind.Index, JobStatus.Pending), (job.Kind, job.Status));
        Assert.Null(job.PublishedAt);
        Assert.True(job.NotBefore > job.CreatedAt);
        Assert.False(await api.StreamHasJobAsync(job));
    }
}

/// <summary>
/// The Api reaches Redis through a link that is then severed: Redis never answers and the client
/// library is told to wait ten minutes for it. The uploads can only answer because the publish after
/// commit is bounded by the Api itself, and their jobs complete through the Worker's relay.
/// </summary>
public sealed class RedisPartitionApiFactory(TestServices services) : ApiFactory(services)
{
    public SeveredLink RedisLink { get; } = SeveredLink.To(services.Redis.Port);
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public InProcessWorker? Worker { get; private set; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = $"127.0.0.1:{RedisLink.Port.ToString(CultureInfo.InvariantCulture)},connectTimeout=5000,asyncTimeout=600000,syncTimeout=600000",
        // The queue gauges' reads would wait in the silent link for the 10-minute client timeout,
        // and a command still waiting there holds the Redis client's disposal, so they stay off.
        ["Admin:QueueMetricsInterval"] = "01:00:00",
        ["Worker:PublishGracePeriod"] = "00:00:01",
        ["Worker:PublishTimeout"] = "00:00:00.250",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        OpenAi = await FakeOpenAiServer.StartAsync();
        OpenAi.Transcriptions.AnswerWithText(TestMedia.DefaultSentence);
    }

    /// <summary>A worker on the real Redis, not the severed link.</summary>
    public void StartWorker() => Worker = WorkerHost.StartInProcess(Servers, new WorkerSettings(DatabaseConnectionString, MediaRoot)
    {
        Transcription = OpenAi.ConnectionString(),
    });

    public override async ValueTask DisposeAsync()
    {
        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }
        await OpenAi.DisposeAsync();
        // Closed first: a command still waiting in the silent link would otherwise hold the Redis
        // client's disposal, and with it the Api's, for the client's 10-minute timeout.
        await RedisLink.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class RedisPartitionTests(RedisPartitionApiFactory api) : IClassFixture<RedisPartitionApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task Uploads_answer_while_redis_never_does_and_their_jobs_complete_through_the_relay()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        api.RedisLink.Sever();

        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var video = await (await user.Client.UploadAsync(path)).AssertStatus(HttpStatusCode.Created).JsonAsync();
            ids.Add(video["id"]!.GetValue<int>());
        }
        await using (var db = api.OpenDb())
        {
            Assert.All(await db.Jobs.Where(j => ids.Contains(j.VideoId)).ToListAsync(Ct), job => Assert.Null(job.PublishedAt));
        }

        api.StartWorker();
        foreach (var id in ids)
        {
            await WaitUntilCompletedAsync(id);
        }
        await using var check = api.OpenDb();
        var jobs = await check.Jobs.Where(j => ids.Contains(j.VideoId)).ToListAsync(Ct);
        Assert.All(jobs, job => Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts)));
    }

    private async Task WaitUntilCompletedAsync(int videoId)
    {
        while (true)
        {
            await using var db = api.OpenDb();
            var video = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == videoId, Ct);
            if (video.Status is VideoStatus.Completed or VideoStatus.Error)
            {
                Assert.Equal(VideoStatus.Completed, video.Status);
                return;
            }
            await Task.Delay(100, Ct);
        }
    }
}
