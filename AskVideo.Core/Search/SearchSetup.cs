using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Core.Search;

public static class SearchSetup
{
    /// <summary>
    /// Retrieval over scenes (<see cref="SceneSearch"/>, which needs <c>AddEmbeddings</c>) and the
    /// English thesaurus it widens questions with (<see cref="ThesaurusOptions"/>, validated on start).
    /// </summary>
    public static IServiceCollection AddSceneSearch(this IServiceCollection services)
    {
        services.AddOptions<ThesaurusOptions>().BindConfiguration(ThesaurusOptions.Section)
            .Validate(o => o.Senses >= 1 && o.Share is >= 0 and <= 1, "Thesaurus: Senses must be at least 1 and Share between 0 and 1.")
            .ValidateOnStart();
        services.AddSingleton<Thesaurus>();
        services.AddScoped<SceneSearch>();
        return services;
    }
}
