namespace AskVideo.AppHost;

/// <summary>Where the repository and the built Api and Worker are.</summary>
internal static class RepositoryLayout
{
    private const string SolutionFile = "AskVideo.sln";

    /// <summary>The folder holding <c>AskVideo.sln</c>, searched up from the current folder, then from this program's; else the current folder.</summary>
    public static string FindRoot() =>
        FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();

    /// <summary>
    /// The built <c>&lt;project&gt;.dll</c>. Builds land in <c>.artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/</c>
    /// (Directory.Build.props), so by default we take the same configuration folder as this program's own.
    /// </summary>
    public static string FindProjectAssembly(string repositoryRoot, string project, string? configuration)
    {
        var artifacts = Path.Combine(repositoryRoot, ".artifacts", "bin", project);
        var ownConfiguration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string[] folders = configuration is { Length: > 0 }
            ? [configuration.ToLowerInvariant()]
            : [ownConfiguration, "debug", "release"];
        var candidates = folders.Select(folder => Path.Combine(artifacts, folder, project + ".dll")).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{project} is not built (looked for {string.Join(", ", candidates)}). Run: dotnet build AskVideo.sln");
    }

    private static string? FindUp(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }
        return null;
    }
}
