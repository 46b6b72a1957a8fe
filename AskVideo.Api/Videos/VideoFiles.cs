using AskVideo.Core.Storage;

namespace AskVideo.Api.Videos;

/// <summary>
/// Where a video's files live: one folder per video, <c>videos/{guid}/</c>, holding the original
/// (<c>original{ext}</c>) and whatever the pipeline derives from it.
/// </summary>
public static class VideoFiles
{
    private const string Prefix = "videos/";

    public static string NewOriginalKey(string extension) => $"{Prefix}{Guid.NewGuid():N}/original{extension}";

    /// <summary>The folder of a storage key, or null for a key that is not a video's.</summary>
    public static string? FolderOf(string storageKey)
    {
        var slash = storageKey.LastIndexOf('/');
        return storageKey.StartsWith(Prefix, StringComparison.Ordinal) && slash > Prefix.Length
            ? storageKey[..slash]
            : null;
    }

    /// <summary>Deletes every stored file of the videos with these original keys.</summary>
    public static async Task DeleteAsync(this IMediaStorage storage, IEnumerable<string> storageKeys, CancellationToken cancellationToken)
    {
        foreach (var folder in storageKeys.Select(FolderOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await storage.DeleteFolderAsync(folder, cancellationToken);
        }
    }
}
