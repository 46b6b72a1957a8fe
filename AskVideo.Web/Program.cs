using AskVideo.ServiceDefaults;
using AskVideo.Web;
using AskVideo.Web.Accounts;
using AskVideo.Web.Components;
using AskVideo.Web.Proxy;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapApiProxy();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
