using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AskVideo.LocalServers;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.AppHost;

/// <summary>
/// The machine's <c>redis-server</c> on 127.0.0.1, on a port chosen when the AppHost starts; its
/// append-only file in the data folder keeps the job stream across runs.
/// </summary>
internal sealed class LocalRedisResource(string name, string workingDirectory, int port)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    public int Port => port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
}

internal static class LocalRedisExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var port = LoopbackPort.PickFree();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(dataDirectory);

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{portText}", name: healthCheck);

        return builder.AddResource(new LocalRedisResource(name, dataDirectory, port))
            .WithArgs(
                "--bind", "127.0.0.1",
                "--port", portText,
                "--dir", dataDirectory,
                "--appendonly", "yes",
                "--save", "",
                "--daemonize", "no",
                "--protected-mode", "yes",
                "--logfile", "")
            .WithEndpoint(name: "tcp", scheme: "tcp", port: port, targetPort: port, isProxied: false)
            .WithIconName("Memory")
            .WithHealthCheck(healthCheck);
    }
}
