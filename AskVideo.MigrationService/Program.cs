using AskVideo.Core.Data;
using AskVideo.MigrationService;
using AskVideo.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddAppDatabase();
builder.Services.AddHostedService<DatabaseMigrator>();

builder.Build().Run();
