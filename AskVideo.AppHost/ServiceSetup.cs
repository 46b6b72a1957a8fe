using Aspire.Hosting.ApplicationModel;
using AskVideo.LocalServers;
using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

/// <summary>The Api's secrets as Aspire parameters (<c>Parameters:jwt-signing-key</c>, <c>Parameters:media-signing-key</c>).</summary>
internal sealed record SigningKeys(IResourceBuilder<ParameterResource> Jwt, IResourceBuilder<ParameterResource> MediaUrls);

internal static class ServiceSetup
{
    private const string JwtKey = "jwt-signing-key";
    private const string MediaKey = "media-signing-key";
    private const string EmbeddingsConnection = "embeddings";

    /// <summary>The name the local embeddings service answers to (AskVideo.Embeddings).</summary>
    public const string LocalEmbeddingModel = "all-minilm-l6-v2";

    /// <summary>
    /// Secret parameters. A local run takes <c>Jwt:SigningKey</c> / <c>MediaUrls:SigningKey</c> when
    /// set, else a key made once and kept in <c>.data/keys/</c>; a deployment asks for them (azd prompts).
    /// </summary>
    public static SigningKeys AddSigningKeys(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        if (settings.IsRunMode)
        {
            SetParameterDefault(builder, JwtKey, builder.Configuration["Jwt:SigningKey"], settings.PathIn("keys/jwt-signing-key"));
            SetParameterDefault(builder, MediaKey, builder.Configuration["MediaUrls:SigningKey"], settings.PathIn("keys/media-signing-key"));
        }
        return new SigningKeys(builder.AddParameter(JwtKey, secret: true), builder.AddParameter(MediaKey, secret: true));
    }

    /// <summary>
    /// One HTTP endpoint. A local run binds it to 127.0.0.1 on a known port, without DCP's proxy in
    /// front (uploads and media are streamed straight from Kestrel); a deployment lets the platform choose.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceEndpoint(
        this IResourceBuilder<ProjectResource> service, AppHostSettings settings, int? port, bool external)
    {
        if (settings.IsRunMode)
        {
            var chosen = port ?? LoopbackPort.PickFree();
            service.WithHttpEndpoint(port: chosen, targetPort: chosen, name: "http", isProxied: false)
                .WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1");
        }
        else
        {
            service.WithHttpEndpoint(name: "http");
        }
        if (external)
        {
            service.WithExternalHttpEndpoints();
        }
        return service.WithHttpHealthCheck("/health");
    }

    /// <summary>
    /// A local run starts the program the AppHost's build produced (<c>.artifacts/bin/NAME/CONFIGURATION/</c>)
    /// instead of <c>dotnet run</c>, which would evaluate the project again (seconds on a busy machine)
    /// and keep one more process per service. Without that output, <c>dotnet run</c> it is.
    /// </summary>
    public static IResourceBuilder<ProjectResource> RunBuiltProgram(this IResourceBuilder<ProjectResource> service, AppHostSettings settings)
    {
        if (!settings.IsRunMode)
        {
            return service;
        }
        var name = Path.GetFileNameWithoutExtension(service.Resource.GetProjectMetadata().ProjectPath);
        var ownOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var output = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ownOutput)!)!, name, Path.GetFileName(ownOutput));
        var program = Path.Combine(output, name);
        return File.Exists(program)
            ? service.WithAnnotation(new ExecutableAnnotation { Command = program, WorkingDirectory = output }, ResourceAnnotationMutationBehavior.Replace)
            : service;
    }

    /// <summary>What Api and Worker share: the media folder, and on a local run, mail and the environment name.</summary>
    public static IResourceBuilder<ProjectResource> WithSharedSettings(
        this IResourceBuilder<ProjectResource> service, AppHostSettings settings)
    {
        if (!settings.IsRunMode)
        {
            // Container Apps mount one Azure Files share here in both apps (docs/deployment.md).
            return service.WithEnvironment("Media__Root", "/mnt/media");
        }
        return service
            .WithEnvironment("Media__Root", settings.PathIn("media"))
            .WithEnvironment("Email__PickupDirectory", settings.PathIn("mail"))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", settings.ServiceEnvironment)
            // One line per log entry reads better in the dashboard's console view.
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true");
    }

    /// <summary>The web app's settings on a local run: the environment name and one-line logs.</summary>
    public static IResourceBuilder<ProjectResource> WithWebSettings(this IResourceBuilder<ProjectResource> web, AppHostSettings settings) =>
        !settings.IsRunMode
            ? web
            : web.WithEnvironment("ASPNETCORE_ENVIRONMENT", settings.ServiceEnvironment)
                .WithEnvironment("Logging__Console__FormatterName", "simple")
                .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true");

    /// <summary>
    /// The Api's mailed links (verify email, reset password) and share links open the web app. A local
    /// run knows its port up front; a deployment takes the endpoint the platform gives it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithFrontEnd(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> web, AppHostSettings settings)
    {
        if (settings.IsRunMode)
        {
            var url = $"http://127.0.0.1:{settings.WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            return api.WithEnvironment("Email__LinkBaseUrl", url).WithEnvironment("Sharing__LinkBaseUrl", url);
        }
        var endpoint = web.GetEndpoint("http");
        return api.WithEnvironment("Email__LinkBaseUrl", endpoint).WithEnvironment("Sharing__LinkBaseUrl", endpoint);
    }

    /// <summary>
    /// The AI services (<c>Endpoint=...;Key=...;Model=...</c>) are optional: each is passed on when
    /// <c>ConnectionStrings:NAME</c> is set for the AppHost, and the services fall back to local engines otherwise.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAiConnections(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, params string[] names)
    {
        foreach (var name in names)
        {
            if (builder.Configuration.GetConnectionString(name) is not { Length: > 0 })
            {
                continue;
            }
            var connection = builder.Resources.OfType<IResourceWithConnectionString>().FirstOrDefault(resource => resource.Name == name) is { } existing
                ? builder.CreateResourceBuilder(existing)
                : builder.AddConnectionString(name);
            service.WithReference(connection);
        }
        return service;
    }

    /// <summary>
    /// On a local run with no <c>ConnectionStrings:embeddings</c> for the AppHost, the local embeddings service
    /// (an English sentence model inside the build), so that search works by meaning with no key at all.
    /// Null when a provider is configured, when <c>AppHost:LocalEmbeddings</c> is false, and in a deployment.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? AddLocalEmbeddings(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        if (!settings.IsRunMode || !settings.LocalEmbeddings || builder.Configuration.GetConnectionString(EmbeddingsConnection) is { Length: > 0 })
        {
            return null;
        }
        return builder.AddProject<Projects.AskVideo_Embeddings>("embeddings-local", launchProfileName: null)
            .RunBuiltProgram(settings)
            .WithServiceEndpoint(settings, port: null, external: false)
            .WithWebSettings(settings);
    }

    /// <summary>
    /// The embeddings service of Api and Worker: the configured provider, or the local service, which
    /// they wait for (its <c>/health</c> is ready once the model is loaded).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEmbeddings(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource>? local)
    {
        if (local is null)
        {
            return service.WithAiConnections(builder, EmbeddingsConnection);
        }
        var endpoint = local.GetEndpoint("http");
        return service
            .WithEnvironment($"ConnectionStrings__{EmbeddingsConnection}",
                ReferenceExpression.Create($"Endpoint={endpoint}/v1;Key=local;Model={LocalEmbeddingModel}"))
            // The model is English-only: its vectors do not rank Chinese or Japanese questions.
            .WithEnvironment("Embeddings__Multilingual", "false")
            .WaitFor(local);
    }

    private static void SetParameterDefault(IDistributedApplicationBuilder builder, string parameter, string? configured, string keyFile)
    {
        var key = $"Parameters:{parameter}";
        if (builder.Configuration[key] is { Length: > 0 })
        {
            return;
        }
        var value = configured is { Length: > 0 } ? configured : SigningKey.LoadOrCreate(keyFile);
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
    }
}
