using Microsoft.Extensions.Configuration;

namespace AskVideo.AppHost;

/// <summary>The <c>AppHost</c> configuration section (env: <c>AppHost__DataDirectory</c>, command line: <c>--AppHost:DataDirectory=...</c>).</summary>
internal sealed class AppHostOptions
{
    public const string SectionName = "AppHost";
    public const int DefaultApiPort = 5170;

    /// <summary>Where PostgreSQL, Redis, keys, mail and media live. Default: <c>&lt;repository&gt;/.data</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The Api's port. Default: 5170 when free, otherwise any free port.</summary>
    public int? ApiPort { get; set; }

    /// <summary>Which build of Api and Worker to run (Debug, Release). Default: the one beside this program.</summary>
    public string? Configuration { get; set; }

    public int ReadyTimeoutSeconds { get; set; } = 60;

    /// <summary>How long Api and Worker get to stop after SIGTERM before they are killed.</summary>
    public int StopTimeoutSeconds { get; set; } = 10;

    public static AppHostOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<AppHostOptions>() ?? new AppHostOptions();
        if (options.ApiPort is < 1 or > 65535 || options.ReadyTimeoutSeconds < 1 || options.StopTimeoutSeconds < 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}: ApiPort must be 1-65535, ReadyTimeoutSeconds at least 1, StopTimeoutSeconds at least 0.");
        }
        return options;
    }
}
