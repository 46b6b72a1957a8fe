using AskVideo.Api;
using AskVideo.Api.Admin;
using AskVideo.Api.Auth;
using AskVideo.Api.Chat;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Sharing;
using AskVideo.Api.Videos;
using AskVideo.ServiceDefaults;

if (args is [SuperuserCommand.Name, .. var options])
{
    return await SuperuserCommand.RunAsync(options);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddAdmin();

var app = builder.Build();

app.UseApplicationPipeline();
app.MapDefaultEndpoints();
app.MapApiReference();
app.MapAuthApi();
app.MapVideosApi();
app.MapMediaApi();
app.MapGroupsApi();
app.MapSharingApi();
app.MapChatApi();
app.MapAdminApi();

await app.RunAsync();
return 0;
