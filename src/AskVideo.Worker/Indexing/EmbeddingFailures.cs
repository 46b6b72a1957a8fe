using System.ClientModel;
using AskVideo.Worker.Jobs;

namespace AskVideo.Worker.Indexing;

/// <summary>
/// What a failed request to the embedding service means for a job, in the same terms as
/// <see cref="Transcription.OpenAiTranscription.Classify"/>: a rejected key, a refused model or an
/// unusable answer is permanent; overload, server errors and network trouble are transient.
/// </summary>
public static class EmbeddingFailures
{
    public static JobFailure Classify(Exception exception) => exception switch
    {
        JobFailure failure => failure,
        ClientResultException { Status: 401 } ex => JobFailure.Fatal("The embedding service rejected the API key.", ex),
        ClientResultException { Status: 403 } ex => JobFailure.Fatal("The embedding service refused access with the configured API key.", ex),
        ClientResultException { Status: 404 } ex => JobFailure.Fatal(
            "The embedding service does not offer the configured model, or its endpoint is wrong.", ex),
        ClientResultException { Status: >= 400 and < 500 and not (408 or 409 or 429) } ex => JobFailure.Fatal(
            $"The embedding service rejected the transcript text (HTTP {ex.Status}).", ex),
        ClientResultException { Status: 429 } ex => JobFailure.Transient("The embedding service is over its rate limit. Try again later.", ex),
        ClientResultException ex => JobFailure.Transient(ex.Status == 0
            ? "The embedding service could not be reached. Try again later."
            : $"The embedding service failed (HTTP {ex.Status}). Try again later.", ex),
        HttpRequestException or IOException => JobFailure.Transient("The embedding service could not be reached. Try again later.", exception),
        TimeoutException or TaskCanceledException => JobFailure.Transient("The embedding service did not answer in time. Try again later.", exception),
        // SceneEmbedder's own checks: vectors too wide to store, or fewer vectors than texts.
        InvalidOperationException ex => JobFailure.Fatal($"The embedding model's answer cannot be used: {ex.Message}", ex),
        _ => JobFailure.Transient("Indexing the transcript failed. Try again later.", exception),
    };
}
