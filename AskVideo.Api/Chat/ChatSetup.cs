using AskVideo.Core.AI;
using AskVideo.Core.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Chat;

public static class ChatSetup
{
    /// <summary>
    /// The chat feature: its options (validated on start), retrieval, and the chat model of
    /// <c>ConnectionStrings:chat</c> when there is one (any OpenAI-compatible endpoint, with
    /// OpenTelemetry spans and token-usage metrics); without one, answers are extractive.
    /// </summary>
    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AnswerQuota>();
        services.AddChatRateLimits();
        services.AddSceneSearch();
        services.AddScoped<ChatAnswers>();
        if (AiConnection.FromConfiguration(configuration, ChatOptions.ConnectionName, ChatOptions.DefaultModel) is { } connection)
        {
            services.AddChatClient(sp => connection
                    .CreateClient(sp.GetRequiredService<IOptions<ChatOptions>>().Value.RequestTimeout)
                    .GetChatClient(connection.Model)
                    .AsIChatClient())
                .UseOpenTelemetry(sourceName: ServiceDefaults.Telemetry.Name);
        }
        return services;
    }
}
