using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

/// <summary>
/// The database and Redis as Api, Worker and the migrations see them: <c>ConnectionStrings:askvideo</c>
/// and <c>ConnectionStrings:redis</c>, whichever way the servers are provided.
/// </summary>
internal sealed record DataServers(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    bool Managed)
{
    public const string DatabaseName = "askvideo";
    public const string RedisName = "redis";
}

internal static class DataServerExtensions
{
    /// <summary>
    /// Configured connection strings win (servers the user already has). Otherwise, publishing always
    /// emits Aspire's containers, and a local run uses containers when a container runtime answers
    /// and the machine's binaries when none does (<c>AppHost:Servers</c> overrides the choice).
    /// </summary>
    public static DataServers AddDataServers(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var configuredDatabase = builder.Configuration.GetConnectionString(DataServers.DatabaseName) is { Length: > 0 };
        var configuredRedis = builder.Configuration.GetConnectionString(DataServers.RedisName) is { Length: > 0 };
        if (configuredDatabase && configuredRedis)
        {
            return new DataServers(
                builder.AddConnectionString(DataServers.DatabaseName),
                builder.AddConnectionString(DataServers.RedisName),
                Managed: false);
        }
        if (configuredDatabase || configuredRedis)
        {
            throw new InvalidOperationException(
                $"Configure both ConnectionStrings:{DataServers.DatabaseName} and ConnectionStrings:{DataServers.RedisName}, or neither.");
        }

        var useContainers = !settings.IsRunMode || settings.Servers switch
        {
            ServerSource.Containers => true,
            ServerSource.Local => false,
            _ => ContainerRuntimeAnswers(),
        };
        if (useContainers)
        {
            var database = builder.AddPostgres("postgres")
                .WithImage("pgvector/pgvector", "pg17")
                .WithDataVolume()
                .AddDatabase(DataServers.DatabaseName);
            var redis = builder.AddRedis(DataServers.RedisName).WithDataVolume();
            return new DataServers(Widen(database), Widen(redis), Managed: true);
        }

        var localDatabase = builder.AddLocalPostgres("postgres", settings.PathIn("postgres"))
            .AddLocalDatabase(DataServers.DatabaseName);
        var localRedis = builder.AddLocalRedis(DataServers.RedisName, settings.PathIn("redis"));
        return new DataServers(Widen(localDatabase), Widen(localRedis), Managed: true);
    }

    /// <summary>References the database, and waits until it accepts connections.</summary>
    public static IResourceBuilder<T> WithDatabase<T>(this IResourceBuilder<T> service, DataServers servers)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service.WithReference(servers.Database);
        return servers.Managed ? service.WaitFor(servers.Database) : service;
    }

    /// <summary>References Redis, and waits until it answers.</summary>
    public static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> service, DataServers servers)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service.WithReference(servers.Redis);
        return servers.Managed ? service.WaitFor(servers.Redis) : service;
    }

    private static IResourceBuilder<IResourceWithConnectionString> Widen<T>(IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(builder.Resource);

    /// <summary>True when <c>docker info</c> or <c>podman info</c> succeeds: a CLI without a running engine does not count.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, runtime))
                .FirstOrDefault(File.Exists);
            if (path is null)
            {
                continue;
            }
            using var process = Process.Start(new ProcessStartInfo(path, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                continue;
            }
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0)
            {
                return true;
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return false;
    }
}
