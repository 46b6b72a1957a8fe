using AskVideo.Core.AI;
using AskVideo.Worker.Indexing;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Jobs;
using AskVideo.Worker.Pipeline;
using AskVideo.Worker.Transcription;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker;

public static class WorkerServices
{
    /// <summary>
    /// The job consumer, the outbox relay, the pipelines (transcription, and re-indexing after a
    /// transcript edit), the speech-to-text and embedding engines, and the embedding refresher.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSpeechToText(builder.Configuration);
        services.AddEmbeddings(builder.Configuration);
        services.AddSingleton<VideoProgress>();
        services.AddSingleton<PieceTranscriber>();
        services.AddSingleton<TranscriptStore>();
        services.AddSingleton<TranscriptionPipeline>();
        // The only place scenes are built and embedded: the pipeline's index stage, index jobs and the refresher.
        services.AddOptions<IndexingOptions>().BindConfiguration(IndexingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SceneIndexer>();
        services.AddSingleton<ReindexPipeline>();

        // The lease owner is the consumer name, so a job's owner and its stream entry's consumer agree.
        services.AddSingleton(sp => new JobLeases(() => sp.GetRequiredService<IOptions<WorkerOptions>>().Value.ConsumerName));
        services.AddSingleton<JobStore>();
        services.AddSingleton<DatabaseGate>();
        services.AddSingleton<JobStreamClient>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService<JobConsumer>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<EmbeddingRefresher>();
        return builder;
    }
}
