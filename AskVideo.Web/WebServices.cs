using AskVideo.Web.Accounts;
using AskVideo.Web.Infrastructure;
using AskVideo.Web.Proxy;

namespace AskVideo.Web;

public static class WebServices
{
    /// <summary>Razor components (interactive server), the sign-in session, the Api client and the proxy.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
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
