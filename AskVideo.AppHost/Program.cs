using AskVideo.AppHost;
using Microsoft.Extensions.Configuration;

// Runs AskVideo locally: PostgreSQL, Redis, migrations, Api and Worker; Ctrl+C stops all of it.
// Settings: environment variables and command line, e.g. --AppHost:DataDirectory=/tmp/askvideo
// or ConnectionStrings__postgres=... to use an existing server (see AppHostOptions).
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();

using var shutdown = new ShutdownSignal();
return await LocalSystem.RunAsync(configuration, shutdown.Token);
