using AskVideo.Api.Auth;
using AskVideo.Api.Infrastructure;
using AskVideo.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationPipeline();
app.MapDefaultEndpoints();
app.MapApiReference();
app.MapAuthApi();

app.Run();
