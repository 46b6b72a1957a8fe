using AskVideo.AppHost;

// AskVideo as one distributed application: PostgreSQL (pgvector) and Redis, the migrations, Api and
// Worker, the web app, the local embeddings service when no provider is configured, and the Aspire
// dashboard. Settings: AppHostSettings (e.g. --AppHost:DataDirectory=/tmp/askvideo).
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    Args = args,
    // Everything listens on 127.0.0.1 only; plain HTTP keeps a fresh machine free of certificates.
    AllowUnsecuredTransport = true,
});
var settings = AppHostSettings.From(builder);
builder.UseLoopbackDashboard();

var servers = builder.AddDataServers(settings);
var signingKeys = builder.AddSigningKeys(settings);
var embeddings = builder.AddLocalEmbeddings(settings);

var migrations = builder.AddProject<Projects.AskVideo_MigrationService>("migrations")
    .RunBuiltProgram(settings)
    .WithDatabase(servers);

var api = builder.AddProject<Projects.AskVideo_Api>("api", launchProfileName: null)
    .RunBuiltProgram(settings)
    .WithServiceEndpoint(settings, settings.ApiPort, external: true)
    .WithDatabase(servers)
    .WithRedis(servers)
    .WaitForCompletion(migrations)
    .WithEnvironment("Jwt__SigningKey", signingKeys.Jwt)
    .WithEnvironment("MediaUrls__SigningKey", signingKeys.MediaUrls)
    .WithSharedSettings(settings)
    .WithAiConnections(builder, "chat")
    .WithEmbeddings(builder, embeddings);

var worker = builder.AddProject<Projects.AskVideo_Worker>("worker", launchProfileName: null)
    .RunBuiltProgram(settings)
    .WithServiceEndpoint(settings, port: null, external: false)
    .WithDatabase(servers)
    .WithRedis(servers)
    .WaitForCompletion(migrations)
    .WithSharedSettings(settings)
    .WithAiConnections(builder, "transcription")
    .WithEmbeddings(builder, embeddings);

// The browser's one origin: pages, and /api proxied to the Api. Mailed links and share links open it.
var web = builder.AddProject<Projects.AskVideo_Web>("web", launchProfileName: null)
    .RunBuiltProgram(settings)
    .WithServiceEndpoint(settings, settings.WebPort, external: true)
    .WithReference(api)
    .WaitFor(api)
    .WithWebSettings(settings);
api.WithFrontEnd(web, settings);

builder.PrintUrlsWhenReady(web, api, worker, servers, embeddings);

builder.Build().Run();
