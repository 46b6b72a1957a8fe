using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using AskVideo.Core.Videos;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.EndToEnd;

/// <summary>The Api and a Worker on one database and one media folder, with a fake transcription service.</summary>
public sealed class PipelineApiFactory(TestServices services) : ApiFactory(services)
{
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public InProcessWorker Worker { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        OpenAi = await FakeOpenAiServer.StartAsync();
        OpenAi.Transcriptions.AnswerWithText(TestMedia.DefaultSentence);
        Worker = WorkerHost.StartInProcess(Servers, new WorkerSettings(DatabaseConnectionString, MediaRoot)
        {
            Transcription = OpenAi.ConnectionString(),
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await OpenAi.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>From an upload over HTTP, through the Redis stream and the worker, to a transcript a client reads.</summary>
public sealed class UploadToTranscriptTests(PipelineApiFactory api) : IClassFixture<PipelineApiFactory>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Formats => [.. TestMedia.Extensions];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_accepted_format_is_transcribed_to_completed_through_the_real_queue_and_worker(string extension)
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(extension, cancellationToken: Ct);
        // Tests of a class run one after another, and each waits for its own job to finish: the
        // requests from here on are this upload's.
        var before = api.OpenAi.Transcriptions.Requests.Count;

        var id = (await user.Client.UploadOkAsync(path, $"talk{extension}"))["id"]!.GetValue<int>();
        var video = await WaitForTerminalAsync(user.Client, id);

        Assert.Equal("completed", video["status"]!.GetValue<string>());
        Assert.Equal(100, video["progress"]!["percent"]!.GetValue<int>());
        var transcript = video["transcript"]!;
        Assert.Equal("en", transcript["language"]!.GetValue<string>());
        Assert.Contains("quick brown fox", transcript["text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        var segments = transcript["segments"]!.AsArray();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.True(s!["end"]!.GetValue<double>() > s["start"]!.GetValue<double>()));
        // The engine received mono 16 kHz audio extracted from the upload, not the upload itself.
        var requests = api.OpenAi.Transcriptions.Requests.Skip(before).ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.EndsWith(".flac", r.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_events_show_the_workers_real_stages_in_order_and_end_after_completed()
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        // The worker stops at its transcription request until released, so the stream must show
        // that stage while it lasts, whatever the machine's speed.
        api.OpenAi.Transcriptions.HoldRequests();
        try
        {
            var id = (await user.Client.UploadOkAsync(path))["id"]!.GetValue<int>();
            using var response = await user.Client.GetAsync($"/api/videos/{id}/events/", HttpCompletionOption.ResponseHeadersRead, Ct);
            response.AssertStatus(HttpStatusCode.OK);
            await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);

            List<(string Status, string Stage, int Percent)> seen = [];
            while (seen.Count == 0 || seen[^1].Stage != VideoStages.Transcribe)
            {
                seen.Add(Read(await NextAsync(events)));
            }
            api.OpenAi.Transcriptions.ReleaseHeld();
            while (await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct))
            {
                seen.Add(Read(events.Current));
            }

            string[] order = [VideoStages.Queued, VideoStages.Probe, VideoStages.Extract, VideoStages.Transcribe,
                VideoStages.Index, VideoStages.Store, VideoStages.Completed];
            var positions = seen.Select(e => Array.IndexOf(order, e.Stage)).ToList();
            Assert.True(positions.All(p => p >= 0) && positions.Zip(positions.Skip(1)).All(p => p.First <= p.Second),
                $"Stages out of order: {string.Join(", ", seen)}");
            Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Percent <= p.Second.Percent), $"Percent went back: {string.Join(", ", seen)}");
            Assert.Contains(("processing", VideoStages.Transcribe, VideoStages.TranscribeStartPercent), seen);
            Assert.Equal(("completed", VideoStages.Completed, 100), seen[^1]);
            Assert.All(seen.SkipLast(1), e => Assert.Equal(e.Stage == VideoStages.Queued ? "pending" : "processing", e.Status));
        }
        finally
        {
            api.OpenAi.Transcriptions.ReleaseHeld();
        }
    }

    private static (string Status, string Stage, int Percent) Read(SseItem<string> item)
    {
        Assert.Equal("status", item.EventType);
        var data = JsonNode.Parse(item.Data)!;
        return (data["status"]!.GetValue<string>(), data["progress"]!["stage"]!.GetValue<string>(), data["progress"]!["percent"]!.GetValue<int>());
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct), "The stream ended early.");
        return events.Current;
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForTerminalAsync(HttpClient client, int id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var video = await (await client.GetAsync($"/api/videos/{id}/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
            var status = video["status"]!.GetValue<string>();
            if (status is "completed" or "error" || DateTime.UtcNow > deadline)
            {
                return video;
            }
            await Task.Delay(100, Ct);
        }
    }
}
