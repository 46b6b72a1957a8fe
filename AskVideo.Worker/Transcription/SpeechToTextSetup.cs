using AskVideo.Core.AI;
using AskVideo.ServiceDefaults;
using AskVideo.Worker.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Transcription;

public static class SpeechToTextSetup
{
    /// <summary>
    /// The <see cref="ISpeechToTextClient"/>: the OpenAI-compatible service named by
    /// <c>ConnectionStrings:transcription</c>, or the local pocketsphinx engine when there is none.
    /// </summary>
    public static IServiceCollection AddSpeechToText(this IServiceCollection services, IConfiguration configuration)
    {
        var service = AiConnection.FromConfiguration(configuration, OpenAiTranscription.ConnectionName, OpenAiTranscription.DefaultModel);
        if (service is null)
        {
            services.AddSpeechToTextClient(_ => new LocalSpeechToTextClient())
                .UseOpenTelemetry(sourceName: Telemetry.Name);
            return services;
        }

        services.AddSpeechToTextClient(sp => OpenAiTranscription.CreateClient(service, sp.GetRequiredService<IOptions<PipelineOptions>>().Value.RequestTimeout))
            .UseOpenTelemetry(sourceName: Telemetry.Name);
        return services;
    }

    /// <summary>Pieces for pocketsphinx are WAV; services get FLAC.</summary>
    public static AudioFormat PieceFormat(this ISpeechToTextClient client) =>
        client.GetService<LocalSpeechToTextClient>() is not null ? AudioFormat.Wav : AudioFormat.Flac;
}
