using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Videos;

public sealed class VideoEventsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_start_with_the_current_state_follow_each_change_and_end_after_completed()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await user.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
        var id = video["id"]!.GetValue<int>();

        using var response = await user.Client.GetAsync($"/api/videos/{id}/events/", HttpCompletionOption.ResponseHeadersRead, Ct);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);

        AssertEvent(await NextAsync(events), "pending", "queued", 0, null);

        await api.SetStatusAsync(id, VideoStatus.Processing, "transcribe", 40);
        AssertEvent(await NextAsync(events), "processing", "transcribe", 40, null);

        await api.SetStatusAsync(id, VideoStatus.Completed, "completed", 100);
        AssertEvent(await NextAsync(events), "completed", "completed", 100, null);

        Assert.False(await events.MoveNextAsync(), "The stream goes on after completed.");
    }

    [Fact]
    public async Task The_stream_of_a_video_in_error_carries_the_message_and_ends()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v =>
            (v.Status, v.ProgressStage, v.ProgressPercent, v.ErrorMessage) = (VideoStatus.Error, "probe", 0, "The file has no audio track."));

        var body = await (await user.Client.GetAsync($"/api/videos/{video.Id}/events", Ct)).AssertStatus(HttpStatusCode.OK)
            .Content.ReadAsStringAsync(Ct);

        var only = Assert.Single(SseParser.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))).Enumerate());
        AssertEvent(only, "error", "probe", 0, "The file has no audio track.");
    }

    [Fact]
    public async Task Unchanged_polls_send_nothing_new()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => (v.Status, v.ProgressStage, v.ProgressPercent) = (VideoStatus.Processing, "extract", 10));
        using var response = await user.Client.GetAsync($"/api/videos/{video.Id}/events/", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync(Ct)).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
        AssertEvent(await NextAsync(events), "processing", "extract", 10, null);

        // Several polls go by without a change, then one change: it is the very next event.
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        await api.SetStatusAsync(video.Id, VideoStatus.Processing, "extract", 11);

        AssertEvent(await NextAsync(events), "processing", "extract", 11, null);
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        // Bounded by the test's own time limit: the enumerator was created with its token.
        var moved = await events.MoveNextAsync();
        Assert.True(moved, "The stream ended early.");
        return events.Current;
    }

    private static void AssertEvent(SseItem<string> item, string status, string stage, int percent, string? error)
    {
        Assert.Equal("status", item.EventType);
        var data = JsonNode.Parse(item.Data)!;
        Assert.Equal(status, data["status"]!.GetValue<string>());
        Assert.Equal(stage, data["progress"]!["stage"]!.GetValue<string>());
        Assert.Equal(percent, data["progress"]!["percent"]!.GetValue<int>());
        Assert.True(data.AsObject().ContainsKey("error_message"));
        Assert.Equal(error, data["error_message"]?.GetValue<string>());
    }
}
