using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Core.Search;

public static class SearchSetup
{
    /// <summary>
    /// Retrieval over scenes (<see cref="SceneSearch"/>, which needs <c>AddEmbeddings</c>), how it
    /// cuts moments out of them (<see cref="MomentOptions"/>) and the English thesaurus it widens
    /// questions with (<see cref="ThesaurusOptions"/>), both validated on start.
    /// </summary>
    public static IServiceCollection AddSceneSearch(this IServiceCollection services)
    {
        services.AddOptions<MomentOptions>().BindConfiguration(MomentOptions.Section)
            .Validate(o => o.MaxSeconds > 0 && o.MinSeconds >= 0 && o.MinSeconds <= o.MaxSeconds && o.LengthPenalty >= 0 && o.PerScene >= 1
                    && o.VectorWeight >= 0,
                "Moments: MaxSeconds must be positive, MinSeconds between 0 and MaxSeconds, LengthPenalty and VectorWeight not negative, PerScene at least 1.")
            .ValidateOnStart();
        services.AddOptions<ThesaurusOptions>().BindConfiguration(ThesaurusOptions.Section)
            .Validate(o => o.Senses >= 1 && o.Share is >= 0 and <= 1, "Thesaurus: Senses must be at least 1 and Share between 0 and 1.")
            .ValidateOnStart();
        services.AddSingleton<Thesaurus>();
        services.AddScoped<SceneSearch>();
        return services;
    }
}
