namespace AskVideo.Api.Infrastructure;

public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins a browser front end may call from; none by default.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

public static class CorsSetup
{
    public static IServiceCollection AddCorsFromConfiguration(this IServiceCollection services)
    {
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<CorsOptions>>((cors, allowed) =>
                cors.AddDefaultPolicy(policy => policy
                    .WithOrigins(allowed.Value.AllowedOrigins)
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .WithExposedHeaders("Retry-After", "Location", "Content-Disposition")));
        return services;
    }
}
