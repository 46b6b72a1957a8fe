using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Chat;

/// <summary>
/// The Api and a Worker with an embedding model and, when one is named, a chat model (else answers
/// are extractive), all pointing at one fake OpenAI-compatible server, so the real client code runs
/// over HTTP.
/// </summary>
public abstract class FakeAiApiFactory(TestServices services, string embeddingModel, string? chatModel) : ApiFactory(services)
{
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public InProcessWorker Worker { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: embeddingModel),
                // The fake's bag-of-words vectors are less similar than a real model's for related texts.
                ["Chat:MinSimilarity"] = "0.1",
            };
            if (chatModel is not null)
            {
                settings["ConnectionStrings:chat"] = OpenAi.ConnectionString(model: chatModel);
            }
            return settings;
        }
    }

    public override async ValueTask InitializeAsync()
    {
        // The server must be up before the Api reads its settings.
        OpenAi = await FakeOpenAiServer.StartAsync();
        OpenAi.Transcriptions.AnswerWithText(TestMedia.DefaultSentence);
        await base.InitializeAsync();
        Worker = WorkerHost.StartInProcess(Servers, new WorkerSettings(DatabaseConnectionString, MediaRoot)
        {
            Transcription = OpenAi.ConnectionString(),
            Extra = new Dictionary<string, string?> { ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: embeddingModel) },
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await OpenAi.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Every AI connection configured: transcription, chat and embeddings.</summary>
public sealed class ModelChatApiFactory(TestServices services) : FakeAiApiFactory(services, EmbeddingModel, ChatModel)
{
    public const string ChatModel = "fake-chat-1";
    public const string EmbeddingModel = "fake-embed-1";
}
