using System.Text.Json;
using AskVideo.Api.Auth;
using AskVideo.Api.Chat;
using AskVideo.Api.Email;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Sharing;
using AskVideo.Api.Videos;
using AskVideo.Core;
using AskVideo.Core.AI;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.Json;

namespace AskVideo.Api;

public static class ApplicationServices
{
    /// <summary>Everything the API registers beyond the service defaults.</summary>
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // The public API speaks snake_case, as the original one did.
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new StorableTextJsonConverter());
            options.SerializerOptions.Converters.Add(new StorableTextJsonElementConverter());
        });

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("trace_id", context.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // Binding failures become exceptions so that one handler turns them into ProblemDetails.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        builder.AddAppDatabase();
        builder.AddAppRedis();
        services.AddOpenApiDocument();
        services.AddCorsFromConfiguration();
        services.AddRateLimitAnswers();
        services.AddEmail();
        builder.AddAuth();
        services.AddMediaAndJobs();
        services.AddVideos();
        services.AddMediaDelivery();
        services.AddGroups();
        services.AddSharing();
        services.AddEmbeddings(builder.Configuration);
        services.AddChat(builder.Configuration);

        return builder;
    }

    /// <summary>The middleware, in order: errors first, then CORS, identity, and limits.</summary>
    public static WebApplication UseApplicationPipeline(this WebApplication app)
    {
        // Resolve the signing key now, so a missing or malformed key stops the start, not a request.
        app.Services.GetRequiredService<JwtSigningKey>();
        app.Services.GetRequiredService<MediaUrls>();
        // Connect to Redis now (it may be down: the client then keeps trying in the background), so
        // that no upload ever waits for the first connection inside its request.
        app.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseStorableTextCheck();
        app.UseRateLimiter();
        return app;
    }
}
