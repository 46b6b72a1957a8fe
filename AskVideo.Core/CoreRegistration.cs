using AskVideo.Core.Jobs;
using AskVideo.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Core;

public static class CoreRegistration
{
    /// <summary>Media storage (local disk under <c>Media:Root</c>) and the job publisher.</summary>
    public static IServiceCollection AddMediaAndJobs(this IServiceCollection services)
    {
        services.AddOptions<MediaStorageOptions>().BindConfiguration(MediaStorageOptions.Section);
        services.AddSingleton<IMediaStorage, LocalMediaStorage>();
        services.AddScoped<JobPublisher>();
        return services;
    }
}
