using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Chat;

/// <summary>
/// The Api and a Worker with every AI connection configured (transcription, chat, embeddings),
/// all pointing at one fake OpenAI-compatible server, so the real client code runs over HTTP.
/// </summary>
public sealed class ModelChatApiFactory(TestServices services) : ApiFactory(services)
{
    public const string ChatModel = "fake-chat-1";
    public const string EmbeddingModel = "fake-embed-1";

    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public InProcessWorker Worker { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:chat"] = OpenAi.ConnectionString(model: ChatModel),
        ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: EmbeddingModel),
        // The fake's bag-of-words vectors are less similar than a real model's for related texts.
        ["Chat:MinSimilarity"] = "0.1",
    };

    public override async ValueTask InitializeAsync()
    {
        // The server must be up before the Api reads its settings.
        OpenAi = await FakeOpenAiServer.StartAsync();
        OpenAi.Transcriptions.AnswerWithText(TestMedia.DefaultSentence);
        await base.InitializeAsync();
        Worker = WorkerHost.StartInProcess(Servers, new WorkerSettings(DatabaseConnectionString, MediaRoot)
        {
            Transcription = OpenAi.ConnectionString(),
            Extra = new Dictionary<string, string?> { ["ConnectionStrings:embeddings"] = OpenAi.ConnectionString(model: EmbeddingModel) },
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await OpenAi.DisposeAsync();
        await base.DisposeAsync();
    }
}
