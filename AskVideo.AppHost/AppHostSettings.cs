using AskVideo.LocalServers;
using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

/// <summary>Where PostgreSQL and Redis come from when no connection strings are configured.</summary>
internal enum ServerSource
{
    /// <summary>Containers when a container runtime answers, the machine's binaries otherwise.</summary>
    Auto,

    /// <summary>Aspire's PostgreSQL (pgvector image) and Redis containers.</summary>
    Containers,

    /// <summary>The machine's <c>postgres</c> and <c>redis-server</c> as executable resources.</summary>
    Local,
}

/// <summary>
/// The <c>AppHost</c> configuration section (env: <c>AppHost__DataDirectory</c>, command line:
/// <c>--AppHost:DataDirectory=...</c>).
/// </summary>
internal sealed class AppHostSettings
{
    public const string SectionName = "AppHost";
    public const int DefaultApiPort = 5170;
    public const int DefaultWebPort = 5180;

    /// <summary>Where PostgreSQL, Redis, keys, mail and media live on a local run. Default: <c>&lt;repository&gt;/.data</c>.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The Api's port on a local run. Default: 5170 when free, otherwise any free port.</summary>
    public int ApiPort { get; set; }

    /// <summary>The web app's port on a local run. Default: 5180 when free, otherwise any free port.</summary>
    public int WebPort { get; set; }

    public ServerSource Servers { get; set; } = ServerSource.Auto;

    /// <summary>
    /// Whether a local run without <c>ConnectionStrings:embeddings</c> starts the local embeddings
    /// service (default true). False leaves search full-text only.
    /// </summary>
    public bool LocalEmbeddings { get; set; } = true;

    /// <summary>The ASP.NET Core environment of Api and Worker on a local run (default Development).</summary>
    public string ServiceEnvironment { get; set; } = "Development";

    public bool IsRunMode { get; private init; }

    public static AppHostSettings From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var settings = new AppHostSettings { IsRunMode = builder.ExecutionContext.IsRunMode };
        section.Bind(settings);
        if (settings.ApiPort is < 0 or > 65535 || settings.WebPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"{SectionName}:ApiPort and {SectionName}:WebPort must be 1-65535.");
        }
        // The repository root is the AppHost project's parent folder.
        settings.DataDirectory = Path.GetFullPath(settings.DataDirectory is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "..", ".data"));
        if (settings.ApiPort == 0)
        {
            settings.ApiPort = LoopbackPort.IsFree(DefaultApiPort) ? DefaultApiPort : LoopbackPort.PickFree();
        }
        if (settings.WebPort == 0)
        {
            settings.WebPort = LoopbackPort.IsFree(DefaultWebPort) && settings.ApiPort != DefaultWebPort ? DefaultWebPort : LoopbackPort.PickFree();
        }
        // An environment name given to the AppHost is meant for the services it runs.
        if (builder.Configuration["ASPNETCORE_ENVIRONMENT"] is { Length: > 0 } environment
            && section["ServiceEnvironment"] is null)
        {
            settings.ServiceEnvironment = environment;
        }
        return settings;
    }

    public string PathIn(string name) => Path.Combine(DataDirectory, name);
}
