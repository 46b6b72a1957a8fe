using Microsoft.Extensions.Options;

namespace AskVideo.Core.Storage;

public sealed class MediaStorageOptions
{
    public const string Section = "Media";

    /// <summary>Folder that holds every stored file. Api and Worker must see the same folder.</summary>
    public string Root { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AskVideo", "media");
}

public sealed class MediaTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Where original uploads and the files derived from them live. Keys are chosen by the server
/// (never by a client) and look like <c>videos/{guid}/original.mp4</c>.
/// </summary>
public interface IMediaStorage
{
    /// <summary>Copies <paramref name="content"/> to <paramref name="key"/> in bounded memory; throws
    /// <see cref="MediaTooLargeException"/> (and keeps nothing) past <paramref name="maxBytes"/>.</summary>
    Task<long> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken);

    Stream OpenRead(string key);

    /// <summary>A path on local disk that tools such as ffmpeg can read.</summary>
    string GetLocalPath(string key);

    bool Exists(string key);

    /// <summary>Deletes every file whose key starts with <paramref name="prefix"/> (a folder).</summary>
    Task DeleteFolderAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>Media on local disk (or any mounted volume shared by Api and Worker).</summary>
public sealed class LocalMediaStorage(IOptions<MediaStorageOptions> options) : IMediaStorage
{
    private const int BufferSize = 128 * 1024;

    private string Root => Path.GetFullPath(options.Value.Root);

    public async Task<long> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var path = GetLocalPath(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        long written = 0;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                    {
                        written += read;
                        if (written > maxBytes)
                        {
                            throw new MediaTooLargeException(maxBytes);
                        }
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            File.Move(partial, path, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public Stream OpenRead(string key) =>
        new FileStream(GetLocalPath(key), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public string GetLocalPath(string key)
    {
        var root = Root;
        var path = Path.GetFullPath(Path.Combine(root, key));
        // Keys are server-made, but a path must never leave the root whatever it is given.
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("The key leaves the media root.", nameof(key));
        }
        return path;
    }

    public bool Exists(string key) => File.Exists(GetLocalPath(key));

    public Task DeleteFolderAsync(string prefix, CancellationToken cancellationToken)
    {
        var path = GetLocalPath(prefix.TrimEnd('/'));
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        return Task.CompletedTask;
    }
}
