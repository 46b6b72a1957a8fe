namespace AskVideo.Api.Videos;

public static class VideosSetup
{
    /// <summary>The videos feature: its options (validated on start) and services.</summary>
    public static IServiceCollection AddVideos(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VideoJobOptions>().BindConfiguration(VideoJobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TranscriptEditOptions>().BindConfiguration(TranscriptEditOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<UploadReader>();
        services.AddScoped<UploadQuotas>();
        services.AddScoped<VideoJobs>();
        services.AddScoped<VideoUploads>();
        services.AddScoped<TranscriptEdits>();
        return services;
    }
}
