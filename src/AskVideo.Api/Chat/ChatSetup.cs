namespace AskVideo.Api.Chat;

public static class ChatSetup
{
    /// <summary>The chat feature: its options, validated on start.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AnswerQuota>();
        return services;
    }
}
