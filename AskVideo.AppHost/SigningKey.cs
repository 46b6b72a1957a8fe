using System.Security.Cryptography;

namespace AskVideo.AppHost;

/// <summary>The Api's signing keys (JWT, media URLs) for local runs: made once, kept in the data folder, readable by its owner only.</summary>
internal static class SigningKey
{
    public static async Task<string> LoadOrCreateAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var directory = Path.GetDirectoryName(path)!;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(key.AsMemory(), cancellationToken);
        }
        return key;
    }
}
