using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AskVideo.Api.Infrastructure;

public static class OpenApiSetup
{
    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "AskVideo API";
            document.Info.Description = "Upload videos, get them transcribed, and ask questions answered from the transcripts.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The access token from POST /api/auth/login/.",
            };
            return Task.CompletedTask;
        }));

    /// <summary>The OpenAPI document at /openapi/v1.json and the Scalar reference at /scalar/v1.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        return app;
    }
}
