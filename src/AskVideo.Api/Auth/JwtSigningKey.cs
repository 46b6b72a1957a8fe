using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AskVideo.Api.Auth;

/// <summary>The key that signs and verifies access tokens, resolved once at start.</summary>
public sealed class JwtSigningKey
{
    private const int MinimumBytes = 32;

    public SymmetricSecurityKey Key { get; }

    public JwtSigningKey(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<JwtSigningKey> logger)
    {
        var settings = options.Value;
        byte[] bytes;
        if (!string.IsNullOrWhiteSpace(settings.SigningKey))
        {
            bytes = Decode(settings.SigningKey, "Jwt:SigningKey");
        }
        else if (environment.IsDevelopment())
        {
            bytes = LoadOrCreate(settings.KeyFile, logger);
        }
        else
        {
            throw new InvalidOperationException(
                "Jwt:SigningKey is not configured. Set it (env Jwt__SigningKey) to a base64 key of at least 32 random bytes.");
        }
        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexString(SHA256.HashData(bytes))[..16] };
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
        logger.LogInformation("Generated a development JWT signing key at {Path}", path);
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
