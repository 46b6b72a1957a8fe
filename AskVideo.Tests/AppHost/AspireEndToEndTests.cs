using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AskVideo.LocalServers;
using AskVideo.Tests.Chat;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AskVideo.Tests.AppHost;

/// <summary>
/// The whole application as the AppHost declares it, run through Aspire's testing host on the local
/// path (the machine's PostgreSQL and Redis, no container runtime): a person signs up, uploads a spoken
/// clip, and gets an answer that cites it. No model is configured, so the Worker transcribes with
/// pocketsphinx, scenes and question are embedded by the local embeddings service, and the answer is extractive.
/// </summary>
public sealed class AspireEndToEndTests(TestServices services)
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog near the river bank.";

    [Fact]
    public async Task A_spoken_clip_uploaded_through_the_AppHost_is_transcribed_and_cited_in_an_answer()
    {
        // A loaded two-core machine starts slowly, but this test must never hang a CI run.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        var dataDirectory = Path.Combine(RepositoryRoot.Path, ".test-data", $"aspire-{Guid.NewGuid():N}");
        var clip = await SpeechAsync(Sentence, ct);

        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AskVideo_AppHost>(
            [
                $"--AppHost:DataDirectory={dataDirectory}",
                "--AppHost:Servers=Local",
                $"--AppHost:ApiPort={LoopbackPort.PickFree()}",
            ],
            ct);
        await using var app = await appHost.BuildAsync(ct);
        try
        {
            await app.StartAsync(ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("worker", ct);
            await AssertLocalEmbeddingsAreWiredAsync(app, ct);
            using var http = app.CreateHttpClient("api");
            http.Timeout = TimeSpan.FromMinutes(2);

            var account = Accounts.NewAccount();
            (await http.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);
            var link = new Mailbox(Path.Combine(dataDirectory, "mail")).LatestLink(account.Email, "verify-email");
            (await http.VerifyAsync(link)).AssertStatus(HttpStatusCode.OK);
            var tokens = await http.LoginOkAsync(account);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Access);

            var videoId = (await http.UploadOkAsync(clip, "fox.wav", title: "Fox"))["id"]!.GetValue<int>();
            var video = await WaitUntilFinishedAsync(http, videoId, ct);
            Assert.Equal("completed", video["status"]!.GetValue<string>());

            var groupId = await http.CreateGroupOkAsync("Animals");
            await http.AddVideosOkAsync(groupId, videoId);
            var answer = await (await http.AskAsync(groupId, "What did the quick brown fox jump over near the river?"))
                .AssertStatus(HttpStatusCode.OK).JsonAsync();

            var citations = answer["citations"]!.AsArray();
            Assert.Contains(citations, citation => citation!["video_id"]!.GetValue<int>() == videoId);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            TryDelete(dataDirectory);
        }
    }

    /// <summary>No provider is configured: Api and Worker embed with the local service, which is healthy.</summary>
    private static async Task AssertLocalEmbeddingsAreWiredAsync(DistributedApplication app, CancellationToken ct)
    {
        await app.ResourceNotifications.WaitForResourceHealthyAsync("embeddings-local", ct);
        var local = app.GetEndpoint("embeddings-local", "http");
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var name in new[] { "api", "worker" })
        {
            var service = model.Resources.OfType<IResourceWithEnvironment>().Single(resource => resource.Name == name);
            var configuration = await ExecutionConfigurationBuilder.Create(service).WithEnvironmentVariablesConfig()
                .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, ct);
            var environment = configuration.EnvironmentVariables.ToDictionary(variable => variable.Key, variable => variable.Value);
            Assert.Equal($"Endpoint={local.ToString().TrimEnd('/')}/v1;Key=local;Model=all-minilm-l6-v2", environment["ConnectionStrings__embeddings"]);
            Assert.Equal("false", environment["Embeddings__Multilingual"]);
        }
    }

    private static async Task<JsonNode> WaitUntilFinishedAsync(HttpClient http, int videoId, CancellationToken ct)
    {
        while (true)
        {
            var video = await (await http.GetAsync($"/api/videos/{videoId}/", ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
            if (video["status"]!.GetValue<string>() is "completed" or "error")
            {
                return video;
            }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>Speech in flite's voice, which pocketsphinx hears well (it hardly hears espeak-ng's).</summary>
    private async Task<string> SpeechAsync(string sentence, CancellationToken ct)
    {
        var folder = Path.Combine(services.RunDirectory, "aspire-clips");
        Directory.CreateDirectory(folder);
        var raw = Path.Combine(folder, $"{Guid.NewGuid():N}.raw.wav");
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.wav");
        await TestMedia.RunAsync("flite", $"-voice rms -t \"{sentence}\" -o \"{raw}\"", ct);
        await TestMedia.RunAsync("ffmpeg", $"-hide_banner -loglevel error -y -i \"{raw}\" -ac 1 -ar 16000 \"{path}\"", ct);
        return path;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover folder under .test-data is harmless (PostgreSQL's files belong to its own user).
        }
    }
}
