namespace AskVideo.Api.Groups;

public static class GroupsSetup
{
    /// <summary>The groups feature: its options, validated on start.</summary>
    public static IServiceCollection AddGroups(this IServiceCollection services)
    {
        services.AddOptions<GroupOptions>().BindConfiguration(GroupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
