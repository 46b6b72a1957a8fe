using System.ClientModel;

namespace AskVideo.Worker.Infrastructure;

/// <summary>
/// What a failed request to an OpenAI-compatible service means for a job: a rejected key, a
/// refused model or a rejected request is permanent (retrying cannot help and costs money);
/// overload, server errors and network trouble are transient. Null when the exception is not the
/// service's.
/// </summary>
public static class ServiceFailures
{
    /// <param name="service">How a person knows the service: "transcription service".</param>
    /// <param name="input">What the job sent it: "audio", "transcript text".</param>
    public static JobFailure? Classify(Exception exception, string service, string input) => exception switch
    {
        ClientResultException { Status: 401 } ex => JobFailure.Fatal($"The {service} rejected the API key.", ex),
        ClientResultException { Status: 403 } ex => JobFailure.Fatal($"The {service} refused access with the configured API key.", ex),
        ClientResultException { Status: 404 } ex => JobFailure.Fatal(
            $"The {service} does not offer the configured model, or its endpoint is wrong.", ex),
        ClientResultException { Status: >= 400 and < 500 and not (408 or 409 or 429) } ex => JobFailure.Fatal(
            $"The {service} rejected the {input} (HTTP {ex.Status}).", ex),
        ClientResultException { Status: 429 } ex => JobFailure.Transient($"The {service} is over its rate limit. Try again later.", ex),
        ClientResultException ex => JobFailure.Transient(ex.Status == 0
            ? $"The {service} could not be reached. Try again later."
            : $"The {service} failed (HTTP {ex.Status}). Try again later.", ex),
        HttpRequestException or IOException => JobFailure.Transient($"The {service} could not be reached. Try again later.", exception),
        TimeoutException or TaskCanceledException => JobFailure.Transient($"The {service} did not answer in time. Try again later.", exception),
        _ => null,
    };
}
