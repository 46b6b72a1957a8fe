using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AskVideo.Api.Admin;

public static class AdminSetup
{
    /// <summary>The admin policy, account status checks on every access token, queue health and its gauges. Call after the auth setup.</summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<UserStatusCache>();
        services.AddSingleton<QueueHealth>();
        services.AddHostedService<QueueMetrics>();

        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        services.AddAuthorizationBuilder().AddPolicy(AdminApi.Policy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new AdminRequirement()));
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, AccountStatusChecks.RefuseInactiveAccounts);

        // Wrap whichever result handler the auth setup registered, so that only /api/admin/ changes.
        var previous = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (previous is not null)
        {
            services.Remove(previous);
        }
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(provider => new AdminHidingResultHandler(previous switch
        {
            { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
            { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(provider),
            { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(provider, type),
            _ => new AuthorizationMiddlewareResultHandler(),
        }, provider.GetRequiredService<UserStatusCache>()));
        return builder;
    }
}
