using AskVideo.Core.Data;
using AskVideo.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddAppDatabase(builder.Configuration);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
