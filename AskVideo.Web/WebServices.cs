using AskVideo.Web.Accounts;
using AskVideo.Web.Infrastructure;
using AskVideo.Web.Proxy;

namespace AskVideo.Web;

public static class WebServices
{
    /// <summary>Razor components (interactive server), the sign-in session, the Api client and the proxy.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        // A local run starts the build's output in any environment (the AppHost passes its own on):
        // the framework's scripts and wwwroot are found through the build's manifest, which a
        // published app does not have (it serves its own wwwroot, and this does nothing).
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddApiClient();
        builder.AddSessions();
        builder.AddApiProxy();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // A failure shows the error page, never a stack trace.
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseSessionRenewal();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
