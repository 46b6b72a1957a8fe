using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AskVideo.Core.AI;

public static class AiSetup
{
    /// <summary>
    /// The <see cref="SceneEmbedder"/>, backed by the OpenAI-compatible embeddings service of
    /// <c>ConnectionStrings:embeddings</c> when there is one (with OpenTelemetry spans and token
    /// metrics), disabled otherwise.
    /// </summary>
    public static IServiceCollection AddEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>().BindConfiguration(EmbeddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SceneEmbedder>();
        if (AiConnection.FromConfiguration(configuration, EmbeddingOptions.ConnectionName, EmbeddingOptions.DefaultModel) is { } connection)
        {
            services.AddEmbeddingGenerator(sp => connection
                    .CreateClient(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.RequestTimeout, maxRetries: 2)
                    .GetEmbeddingClient(connection.Model)
                    .AsIEmbeddingGenerator())
                .UseOpenTelemetry(sourceName: Telemetry.Name);
        }
        return services;
    }
}
