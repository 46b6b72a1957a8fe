using System.ClientModel;
using System.ClientModel.Primitives;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AskVideo.Tests.Fakes;

/// <summary>The fake speaks the wire format that the real OpenAI SDK, through Microsoft.Extensions.AI, expects.</summary>
public sealed class FakeOpenAiServerTests : IAsyncLifetime
{
    private const string Passages = """
        Answer from these passages only and cite them by number.
        [1] The chef slices the onions thinly and fries them in butter until golden.
        [2] The rocket engine burns liquid oxygen and kerosene during the launch sequence.
        """;

    private FakeOpenAiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private OpenAIClient Client() => new(
        new ApiKeyCredential(FakeOpenAiServer.ApiKey),
        new OpenAIClientOptions { Endpoint = _server.BaseUrl, RetryPolicy = new ClientRetryPolicy(0) });

    private static List<ChatMessage> Question(string question) =>
        [new(ChatRole.System, Passages), new(ChatRole.User, question)];

    [Fact]
    public async Task Plain_answer_cites_the_best_matching_passage_and_reports_usage()
    {
        var chat = Client().GetChatClient("m").AsIChatClient();

        var response = await chat.GetResponseAsync(Question("What does the rocket engine burn at launch?"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("According to the videos, The rocket engine burns liquid oxygen and kerosene during the launch sequence. [2].", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(17, response.Usage?.OutputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 30);
        var request = Assert.Single(_server.ChatCompletions.Requests);
        Assert.Equal("m", request.Model);
        Assert.False(request.Stream);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Streamed_answer_arrives_in_several_updates_that_add_up_to_the_plain_answer()
    {
        var chat = Client().GetChatClient("m").AsIChatClient();
        var ct = TestContext.Current.CancellationToken;
        var plain = await chat.GetResponseAsync(Question("How are the onions cooked?"), cancellationToken: ct);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question("How are the onions cooked?"), cancellationToken: ct))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count(u => u.Text.Length > 0) >= 3);
        Assert.Equal(plain.Text, string.Concat(updates.Select(u => u.Text)));
        var streamed = updates.ToChatResponse();
        Assert.Equal(plain.Usage?.TotalTokenCount, streamed.Usage?.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Stop, streamed.FinishReason);
        Assert.True(_server.ChatCompletions.Requests[^1].Stream);
    }

    [Fact]
    public async Task Injected_failure_reaches_the_caller_with_its_status_and_then_clears()
    {
        var chat = Client().GetChatClient("m").AsIChatClient();
        var ct = TestContext.Current.CancellationToken;
        _server.ChatCompletions.FailNext(503);

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync("Hello?", cancellationToken: ct));

        Assert.Equal(503, failure.Status);
        Assert.Equal(FakeChatCompletions.NoPassageAnswer, (await chat.GetResponseAsync("Hello?", cancellationToken: ct)).Text);
    }

    [Fact]
    public async Task Related_texts_embed_closer_than_unrelated_ones_at_the_requested_dimensions()
    {
        var embedder = Client().GetEmbeddingClient("e").AsIEmbeddingGenerator();

        var vectors = await embedder.GenerateAsync(
            ["How do you fry onions in butter?", "The chef fried the onions in butter.", "Rocket launches burn kerosene."],
            new EmbeddingGenerationOptions { Dimensions = 256 },
            TestContext.Current.CancellationToken);

        Assert.All(vectors, v => Assert.Equal(256, v.Vector.Length));
        Assert.True(Cosine(vectors[0], vectors[1]) > Cosine(vectors[0], vectors[2]) + 0.2);
        Assert.Equal(FakeEmbeddings.Vector("Rocket launches burn kerosene.", 256), vectors[2].Vector.ToArray());
        var request = Assert.Single(_server.Embeddings.Requests);
        Assert.Equal(("e", 256, 3), (request.Model, request.Dimensions, request.Inputs.Count));
    }

    [Fact]
    public async Task Japanese_question_embeds_closer_to_the_passage_sharing_its_words()
    {
        var embedder = Client().GetEmbeddingClient("e").AsIEmbeddingGenerator();

        var vectors = await embedder.GenerateAsync(
            ["東京の天気はどうですか", "明日の東京の天気は晴れです", "猫がソファで寝ている"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1536, vectors[0].Vector.Length);
        Assert.True(Cosine(vectors[0], vectors[1]) > Cosine(vectors[0], vectors[2]) + 0.2);
    }

    private static float Cosine(Embedding<float> a, Embedding<float> b) => TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span);
}
