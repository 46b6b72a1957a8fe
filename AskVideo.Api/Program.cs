using AskVideo.Api;
using AskVideo.Api.Auth;
using AskVideo.Api.Chat;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Sharing;
using AskVideo.Api.Videos;
using AskVideo.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

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

app.Run();
