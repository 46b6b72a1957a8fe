using System.Net;
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
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Formats => [.. TestMedia.Extensions];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_accepted_format_is_transcribed_to_completed_through_the_real_queue_and_worker(string extension)
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(extension, cancellationToken: Ct);

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
        Assert.Contains(api.OpenAi.Transcriptions.Requests, r => r.FileName.EndsWith(".flac", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_events_follow_the_video_to_completed()
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        var id = (await user.Client.UploadOkAsync(path))["id"]!.GetValue<int>();

        using var events = await user.Client.GetAsync($"/api/videos/{id}/events/", HttpCompletionOption.ResponseHeadersRead, Ct);
        var body = await events.AssertStatus(HttpStatusCode.OK).Content.ReadAsStringAsync(Ct);

        Assert.Contains("\"status\":\"completed\"", body, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
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
