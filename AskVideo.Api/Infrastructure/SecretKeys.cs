using System.Security.Cryptography;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// Secret keys from configuration (base64), with a development fallback: a key generated on first
/// run into a file outside the repository, readable by the current user only.
/// </summary>
public static class SecretKeys
{
    public const int MinimumBytes = 32;

    public static byte[] Resolve(string? configured, string settingName, string keyFile, IHostEnvironment environment, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Decode(configured, settingName);
        }
        if (environment.IsDevelopment())
        {
            return LoadOrCreate(keyFile, logger);
        }
        throw new InvalidOperationException(
            $"{settingName} is not configured. Set it (env {settingName.Replace(":", "__", StringComparison.Ordinal)}) to a base64 key of at least {MinimumBytes} random bytes.");
    }

    private static byte[] LoadOrCreate(string path, ILogger logger)
    {
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var bytes = RandomNumberGenerator.GetBytes(64);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(path, fileOptions))
        {
            writer.Write(Convert.ToBase64String(bytes));
        }
        logger.LogInformation("Generated a development key at {Path}", path);
        return bytes;
    }

    private static byte[] Decode(string value, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} must be base64.");
        }
        return bytes.Length >= MinimumBytes
            ? bytes
            : throw new InvalidOperationException($"{source} must hold at least {MinimumBytes} bytes.");
    }
}
