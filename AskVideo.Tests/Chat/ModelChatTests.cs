using AskVideo.Api.Chat;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AskVideo.Core.Data;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Chat;

/// <summary>Answers written by a chat model (the fake, over real HTTP) from passages the real worker indexed.</summary>
public sealed class ModelChatTests(ModelChatApiFactory api) : IClassFixture<ModelChatApiFactory>
{
    private const string GardenText =
        "Tomatoes need six hours of direct sunlight and deep watering twice a week during the hot summer months.";
    private const string VolcanoText =
        "The volcano erupted in the spring and lava flowed down the northern slope toward the fishing village.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakeChatCompletions Model => api.OpenAi.ChatCompletions;

    [Fact]
    public async Task The_model_answers_from_the_passages_and_the_answer_cites_the_moment_it_used()
    {
        var (user, group, _, volcano) = await TwoVideoGroupAsync();
        var question = $"Where did the lava flow? ({Guid.NewGuid():N})";

        var answer = await (await user.Client.AskAsync(group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("llm", answer["mode"]!.GetValue<string>());
        var content = answer["content"]!.GetValue<string>();
        Assert.StartsWith("According to the videos, The volcano erupted", content, StringComparison.Ordinal);
        var cited = Assert.Single(answer["citations"]!.AsArray())!;
        Assert.Equal(volcano.Id, cited["video_id"]!.GetValue<int>());
        Assert.Contains($"[{cited["n"]!.GetValue<int>()}]", content, StringComparison.Ordinal);
        Assert.InRange(cited["start"]!.GetValue<double>(), volcano.SpanStart, volcano.SpanEnd);
        Assert.Contains("#t=", cited["media_url"]!.GetValue<string>(), StringComparison.Ordinal);

        // The server wrote the system prompt: the rules, and the passages' moments numbered as cited, with their times.
        var request = Assert.Single(Model.RequestsMentioning(question));
        Assert.Equal(ModelChatApiFactory.ChatModel, request.Model);
        Assert.Equal("system", request.Messages[0].Role);
        Assert.Contains("Never invent a number", request.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("Answer in the language of the question", request.SystemPrompt, StringComparison.Ordinal);
        var (start, end) = (cited["start"]!.GetValue<double>(), cited["end"]!.GetValue<double>());
        Assert.Contains($"[{cited["n"]!.GetValue<int>()}] ({ChatApi.Clock(start)}–{ChatApi.Clock(end)}) {VolcanoText}",
            request.SystemPrompt, StringComparison.Ordinal);
        Assert.Equal(question, request.LastUserMessage);

        // The exchange is stored with what retrieval found and the tokens the model reported.
        var log = await LogAsync(answer["chat_log_id"]!.GetValue<long>());
        Assert.Equal(ModelChatApiFactory.ChatModel, log.Model);
        Assert.True(log.InputTokens > 0 && log.OutputTokens > 0, $"tokens {log.InputTokens}/{log.OutputTokens}");
        Assert.Contains("lava flowed", log.RetrievedJson, StringComparison.Ordinal);
        Assert.False(log.IsSharedOrigin);
    }

    [Fact]
    public async Task Vector_search_finds_a_passage_that_full_text_cannot_match()
    {
        // A language PostgreSQL has no configuration for: full-text neither stems nor matches
        // "volcanoes" to "volcano"; the embeddings (the fake stems words) still bring them together.
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        api.OpenAi.Transcriptions.AnswerWithText(GardenText, language: "klingon");
        var garden = await user.Client.UploadAndWaitAsync(path, "Garden");
        api.OpenAi.Transcriptions.AnswerWithText(VolcanoText, language: "klingon");
        var volcano = await user.Client.UploadAndWaitAsync(path, "Volcano");
        var group = await user.Client.CreateGroupOkAsync("Unstemmed");
        await user.Client.AddVideosOkAsync(group, garden.Id, volcano.Id);
        var question = $"Tell me about erupting volcanoes {Guid.NewGuid():N}";

        var answer = await (await user.Client.AskAsync(group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("llm", answer["mode"]!.GetValue<string>());
        Assert.Equal(volcano.Id, Assert.Single(answer["citations"]!.AsArray())!["video_id"]!.GetValue<int>());
        Assert.Contains(api.OpenAi.Embeddings.Requests, r => r.Inputs.Contains(question) && r.Model == ModelChatApiFactory.EmbeddingModel);
    }

    [Fact]
    public async Task Markers_that_point_at_no_passage_are_removed_and_not_cited()
    {
        var (user, group, _, volcano) = await TwoVideoGroupAsync();
        var question = $"Where did the lava flow? ({Guid.NewGuid():N})";
        Model.Responder = r => r.LastUserMessage == question
            ? "Lava flowed down the northern slope [1]. The moon is made of cheese [7][0]. Villagers fled [1, 9]."
            : FakeChatCompletions.DefaultResponse(r);

        var answer = await (await user.Client.AskAsync(group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("Lava flowed down the northern slope [1]. The moon is made of cheese. Villagers fled [1].",
            answer["content"]!.GetValue<string>());
        var cited = Assert.Single(answer["citations"]!.AsArray())!;
        Assert.Equal(1, cited["n"]!.GetValue<int>());
        Assert.Equal(volcano.Id, cited["video_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_streamed_answer_arrives_as_several_deltas_then_citations_then_done_and_is_stored_as_streamed()
    {
        var (user, group, _, volcano) = await TwoVideoGroupAsync();
        var question = $"Where did the lava flow? ({Guid.NewGuid():N})";

        using var response = await user.Client.PostAsJsonAsync("/api/chat/", Body(group, question, stream: true), Ct);
        Assert.Equal("text/event-stream", response.AssertStatus(HttpStatusCode.OK).Content.Headers.ContentType?.MediaType);
        var events = SseEvent.Parse(await response.Content.ReadAsStringAsync(Ct));

        var deltas = events.TakeWhile(e => e.Name == "delta").ToList();
        Assert.True(deltas.Count >= 3, $"{deltas.Count} delta events");
        Assert.Equal(["citations", "done"], events.Skip(deltas.Count).Select(e => e.Name));
        var streamed = string.Concat(deltas.Select(e => e.Data["text"]!.GetValue<string>()));
        Assert.StartsWith("According to the videos, The volcano erupted", streamed, StringComparison.Ordinal);
        var cited = Assert.Single(events[^2].Data["citations"]!.AsArray())!;
        Assert.Equal(volcano.Id, cited["video_id"]!.GetValue<int>());

        var logId = events[^1].Data["chat_log_id"]!.GetValue<long>();
        var history = await (await user.Client.GetAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var stored = Assert.Single(history["results"]!.AsArray(), l => l!["id"]!.GetValue<long>() == logId)!;
        Assert.Equal(streamed, stored["answer"]!.GetValue<string>());
        Assert.True(Assert.Single(Model.RequestsMentioning(question)).Stream);
    }

    [Fact]
    public async Task A_client_that_accepts_only_text_event_stream_gets_the_answer_streamed_without_asking_in_the_body()
    {
        var (user, group, _, volcano) = await TwoVideoGroupAsync();
        var question = $"Where did the lava flow? ({Guid.NewGuid():N})";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/") { Content = JsonContent.Create(Body(group, question)) };
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await user.Client.SendAsync(request, Ct);

        Assert.Equal("text/event-stream", response.AssertStatus(HttpStatusCode.OK).Content.Headers.ContentType?.MediaType);
        var events = SseEvent.Parse(await response.Content.ReadAsStringAsync(Ct));
        var deltas = events.TakeWhile(e => e.Name == "delta").ToList();
        Assert.NotEmpty(deltas);
        Assert.Equal(["citations", "done"], events.Skip(deltas.Count).Select(e => e.Name));
        Assert.StartsWith("According to the videos, The volcano erupted",
            string.Concat(deltas.Select(e => e.Data["text"]!.GetValue<string>())), StringComparison.Ordinal);
        Assert.Equal(volcano.Id, Assert.Single(events[^2].Data["citations"]!.AsArray())!["video_id"]!.GetValue<int>());
        // The model was asked for a streamed completion too, so the deltas are its own pieces.
        Assert.True(Assert.Single(Model.RequestsMentioning(question)).Stream);
    }

    [Fact]
    public async Task A_follow_up_question_is_rewritten_into_a_standalone_query_before_retrieval()
    {
        var (user, group, _, volcano) = await TwoVideoGroupAsync();
        var marker = Guid.NewGuid().ToString("N");
        var followUp = $"And what about the second one? {marker}";
        Model.Responder = r => r.SystemPrompt.Contains("standalone search query", StringComparison.Ordinal) && r.LastUserMessage.Contains(marker, StringComparison.Ordinal)
            ? "Where did the lava of the volcano flow?"
            : FakeChatCompletions.DefaultResponse(r);
        JsonObject[] messages =
        [
            new() { ["role"] = "user", ["content"] = "How much sun do tomatoes need?" },
            new() { ["role"] = "assistant", ["content"] = "Six hours of direct sunlight [1]." },
            new() { ["role"] = "user", ["content"] = followUp },
        ];

        var answer = await (await user.Client.PostAsJsonAsync("/api/chat/", new JsonObject { ["group_id"] = group, ["messages"] = new JsonArray(messages) }, Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        // The words of the follow-up match no passage: only the rewritten query finds the volcano.
        var cited = Assert.Single(answer["citations"]!.AsArray())!;
        Assert.Equal(volcano.Id, cited["video_id"]!.GetValue<int>());
        var requests = Model.RequestsMentioning(marker);
        Assert.Equal(2, requests.Count);
        Assert.Contains("How much sun do tomatoes need?", requests[0].LastUserMessage, StringComparison.Ordinal);
        // The answer itself sees the earlier turns as turns, and the follow-up as asked.
        Assert.Equal(["system", "user", "assistant", "user"], requests[1].Messages.Select(m => m.Role));
        Assert.Equal(followUp, requests[1].LastUserMessage);
    }

    [Fact]
    public async Task A_failing_chat_model_is_a_502_problem_and_nothing_is_stored_or_counted()
    {
        var (user, group, _, _) = await TwoVideoGroupAsync();
        Model.FailNext(401);

        var problem = await (await user.Client.AskAsync(group, "Where did the lava flow?")).AssertProblemAsync(HttpStatusCode.BadGateway);

        Assert.Contains("API key", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.ChatLogs.AnyAsync(l => l.GroupId == group, Ct));
        Assert.False(await db.AnswerUsage.AnyAsync(u => u.UserId == user.Id, Ct));
    }

    [Fact]
    public async Task A_model_failure_while_streaming_ends_the_stream_with_an_error_event()
    {
        var (user, group, _, _) = await TwoVideoGroupAsync();
        Model.FailNext(400);

        using var response = await user.Client.PostAsJsonAsync("/api/chat/", Body(group, "Where did the lava flow?", stream: true), Ct);
        var events = SseEvent.Parse(await response.AssertStatus(HttpStatusCode.OK).Content.ReadAsStringAsync(Ct));

        var error = Assert.Single(events);
        Assert.Equal("error", error.Name);
        Assert.Equal("model_unavailable", error.Data["code"]!.GetValue<string>());
        Assert.Contains("HTTP 400", error.Data["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var scope = api.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChatLogs.AnyAsync(l => l.GroupId == group, Ct));
    }

    [Fact]
    public async Task A_guest_with_the_share_token_can_ask_about_that_group_and_no_other()
    {
        var (owner, group, _, volcano) = await TwoVideoGroupAsync();
        var token = await owner.Client.ShareOkAsync(group);
        var otherGroup = await owner.Client.CreateGroupOkAsync("Not shared");
        using var guest = api.CreateClient();

        var answer = await (await guest.PostAsJsonAsync($"/api/chat/?share_token={token}", Body(group, "Where did the lava flow?"), Ct))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(volcano.Id, answer["citations"]![0]!["video_id"]!.GetValue<int>());
        Assert.True((await LogAsync(answer["chat_log_id"]!.GetValue<long>())).IsSharedOrigin);
        await (await guest.PostAsJsonAsync($"/api/chat/?share_token={token}", Body(otherGroup, "Where did the lava flow?"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync($"/api/chat/?share_token={new string('x', 43)}", Body(group, "Where?"), Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync("/api/chat/", Body(group, "Where?"), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static JsonObject Body(int group, string question, bool? stream = null)
    {
        var body = new JsonObject
        {
            ["group_id"] = group,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
        };
        if (stream is not null)
        {
            body["stream"] = stream;
        }
        return body;
    }

    private async Task<(SignedInUser User, int Group, ChatSteps.Transcribed Garden, ChatSteps.Transcribed Volcano)> TwoVideoGroupAsync()
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        api.OpenAi.Transcriptions.AnswerWithText(GardenText);
        var garden = await user.Client.UploadAndWaitAsync(path, "Garden");
        api.OpenAi.Transcriptions.AnswerWithText(VolcanoText);
        var volcano = await user.Client.UploadAndWaitAsync(path, "Volcano");
        var group = await user.Client.CreateGroupOkAsync("Mixed");
        await user.Client.AddVideosOkAsync(group, garden.Id, volcano.Id);
        return (user, group, garden, volcano);
    }

    private async Task<Core.Chat.ChatLog> LogAsync(long id)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ChatLogs.SingleAsync(l => l.Id == id, Ct);
    }
}

/// <summary>One server-sent event: its name and JSON data.</summary>
public sealed record SseEvent(string Name, JsonNode Data)
{
    public static IReadOnlyList<SseEvent> Parse(string body)
    {
        var events = new List<SseEvent>();
        foreach (var block in body.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    name = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line["data:".Length..].TrimStart());
                }
            }
            events.Add(new SseEvent(name ?? "message", JsonNode.Parse(data.ToString())!));
        }
        return events;
    }
}
