using AskVideo.Worker.Infrastructure;


namespace AskVideo.Worker.Indexing;

/// <summary>
/// What a failed request to the embedding service means for a job (see <see cref="ServiceFailures"/>);
/// an answer that cannot be stored is permanent too.
/// </summary>
public static class EmbeddingFailures
{
    public static JobFailure Classify(Exception exception) => exception switch
    {
        JobFailure failure => failure,
        // SceneEmbedder's own checks: vectors too wide to store, or fewer vectors than texts.
        InvalidOperationException ex => JobFailure.Fatal($"The embedding model's answer cannot be used: {ex.Message}", ex),
        _ => ServiceFailures.Classify(exception, "embedding service", "transcript text")
            ?? JobFailure.Transient("Indexing the transcript failed. Try again later.", exception),
    };
}
