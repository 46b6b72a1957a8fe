using System.ClientModel;
using AskVideo.Core.AI;
using AskVideo.Worker.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI.Audio;

namespace AskVideo.Worker.Transcription;

/// <summary>
/// An OpenAI-compatible <c>/v1/audio/transcriptions</c> service (OpenAI, Azure OpenAI, a
/// self-hosted whisper server), configured as <c>ConnectionStrings:transcription</c> =
/// <c>Endpoint=https://host/v1;Key=...;Model=whisper-1</c>.
/// </summary>
public static class OpenAiTranscription
{
    public const string ConnectionName = "transcription";
    public const string DefaultModel = "whisper-1";

    /// <summary>
    /// The SDK's audio client as an <see cref="ISpeechToTextClient"/>. The SDK does not retry: a failed
    /// piece is retried by the pipeline, alone, and a rejected key is not retried at all.
    /// </summary>
    public static ISpeechToTextClient CreateClient(AiConnection connection, TimeSpan requestTimeout) =>
        connection.CreateClient(requestTimeout).GetAudioClient(connection.Model).AsISpeechToTextClient();

    /// <summary>Asks for verbose JSON with segment timestamps: the segments are the transcript.</summary>
    public static SpeechToTextOptions RequestOptions() => new()
    {
        RawRepresentationFactory = _ => new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Segment,
        },
    };

    /// <summary>
    /// What a failed request means for the job: a rejected key or request is permanent (retrying
    /// cannot help and costs money); overload, server errors and network trouble are transient.
    /// Null when the exception is not the service's.
    /// </summary>
    public static JobFailure? Classify(Exception exception) => exception switch
    {
        ClientResultException { Status: 413 } ex => JobFailure.Fatal("The transcription service refused the audio as too large.", ex),
        _ => ServiceFailures.Classify(exception, "transcription service", "audio"),
    };
}
