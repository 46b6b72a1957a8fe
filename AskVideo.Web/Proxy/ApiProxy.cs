using System.Net.Http.Headers;
using AskVideo.Web.Accounts;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace AskVideo.Web.Proxy;

/// <summary>
/// The browser's one origin: <c>/api/*</c> (uploads, media, transcript files), and the API reference,
/// are forwarded to the Api, found by service discovery. The session's access token is added here,
/// on the server; the session cookie is not passed on.
/// </summary>
public static class ApiProxy
{
    public const string CsrfHeader = "X-AskVideo-Request";
    private const string Cluster = "api";

    public static WebApplicationBuilder AddApiProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromMemory(Routes, [new ClusterConfig
            {
                ClusterId = Cluster,
                Destinations = new Dictionary<string, DestinationConfig> { ["api"] = new() { Address = "http://api" } },
            }])
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(context =>
            {
                context.AddRequestHeaderRemove("Cookie");
                context.AddRequestTransform(AddAccessToken);
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiProxy(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(proxy => proxy.Use(RefuseCrossSiteWrites));
        return app;
    }

    private static IReadOnlyList<RouteConfig> Routes =>
    [
        // Uploads stream through (the Api checks the size); every other request keeps Kestrel's limit.
        new() { RouteId = "upload", ClusterId = Cluster, MaxRequestBodySize = -1, Match = new() { Path = "/api/videos", Methods = ["POST"] } },
        new() { RouteId = "api", ClusterId = Cluster, Match = new() { Path = "/api/{**rest}" } },
        new() { RouteId = "openapi", ClusterId = Cluster, Match = new() { Path = "/openapi/{**rest}" } },
        new() { RouteId = "reference", ClusterId = Cluster, Match = new() { Path = "/scalar/{**rest}" } },
    ];

    private static async ValueTask AddAccessToken(RequestTransformContext context)
    {
        var user = context.HttpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }
        var tokens = context.HttpContext.RequestServices.GetRequiredService<TokenStore>();
        if (await tokens.GetAccessTokenAsync(user, context.HttpContext.RequestAborted) is { } token)
        {
            context.ProxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>
    /// The cookie turns into a bearer token here, so a write must prove it comes from this app's own
    /// script: a custom header, which another site's form cannot send and its scripts may not
    /// (no CORS is offered). SameSite=Lax already keeps the cookie off cross-site posts.
    /// </summary>
    private static async Task RefuseCrossSiteWrites(HttpContext context, Func<Task> next)
    {
        var safe = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method);
        if (!safe && context.User.Identity?.IsAuthenticated == true && !context.Request.Headers.ContainsKey(CsrfHeader))
        {
            await TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: $"Requests that change data must come from the AskVideo app (header {CsrfHeader}).").ExecuteAsync(context);
            return;
        }
        await next();
    }
}
