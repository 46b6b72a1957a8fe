namespace AskVideo.Api.Media;

public static class MediaSetup
{
    public static IServiceCollection AddMediaDelivery(this IServiceCollection services)
    {
        services.AddOptions<MediaUrlOptions>().BindConfiguration(MediaUrlOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<MediaUrls>();
        return services;
    }
}
