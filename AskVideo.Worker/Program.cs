using AskVideo.Core;
using AskVideo.Core.Data;
using AskVideo.ServiceDefaults;
using AskVideo.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAppDatabase();
builder.AddAppRedis();
builder.Services.AddMediaAndJobs();
builder.AddWorkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
