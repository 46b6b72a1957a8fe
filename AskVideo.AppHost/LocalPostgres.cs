using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AskVideo.LocalServers;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.AppHost;

/// <summary>
/// PostgreSQL run from the machine's binaries (pgvector from scripts/setup.sh), trusting TCP from
/// 127.0.0.1 only, on a port chosen when the AppHost starts. Same name and connection-string shape as
/// Aspire's container: <c>Host=...;Port=...;Username=postgres</c>.
/// </summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port => port;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres");
}

/// <summary>A database on <see cref="LocalPostgresResource"/>, created when the server is ready.</summary>
internal sealed class LocalPostgresDatabaseResource(string name, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent => parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}

internal static class LocalPostgresExtensions
{
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var port = LoopbackPort.PickFree();
        var postgres = PostgresServer.ServerExecutable;
        var serverArguments = PostgresServer.ServerArguments(dataDirectory, port);
        // PostgreSQL refuses to run as root: then it starts as its own user (setpriv execs in place).
        var (command, arguments) = PostgresServer.RunAsUser is { } user
            ? ("setpriv", (List<string>)[$"--reuid={user}", $"--regid={user}", "--init-groups", "--", postgres, .. serverArguments])
            : (postgres, serverArguments);
        var server = new LocalPostgresResource(name, command, dataDirectory, port);

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres",
            name: healthCheck);

        return builder.AddResource(server)
            .WithArgs(arguments.ToArray())
            .WithEndpoint(name: "tcp", scheme: "tcp", port: port, targetPort: port, isProxied: false)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck)
            // initdb on the first run; a server of an earlier run that is still stopping is waited for.
            .OnBeforeResourceStarted((_, _, cancellationToken) =>
                PostgresServer.PrepareClusterAsync(dataDirectory, cancellationToken));
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(
        this IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var builder = server.ApplicationBuilder;
        var database = new LocalPostgresDatabaseResource(name, server.Resource);
        var connectionString = $"Host=127.0.0.1;Port={server.Resource.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={name}";

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: healthCheck);

        // An executable's children get no state from it (containers' do): the database is created and
        // reported running once the server accepts connections.
        server.OnResourceReady(async (resource, @event, cancellationToken) =>
        {
            await PostgresServer.EnsureDatabaseAsync(connectionString, name, cancellationToken);
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return builder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheck);
    }
}
