using System.Security.Cryptography;

namespace AskVideo.AppHost;

/// <summary>The Api's signing keys (JWT, media URLs) for local runs: made once, kept in the data folder, readable by its owner only.</summary>
internal static class SigningKey
{
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
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
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(key);
        }
        return key;
    }
}
