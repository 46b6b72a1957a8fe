using AskVideo.Api.Infrastructure;
using AskVideo.Core.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AskVideo.Api.Videos;

/// <summary>Why an upload was refused: a field error (400 naming it) or a problem with a status.</summary>
public sealed record UploadRejection(int Status, string Title, string Detail, string? Field = null)
{
    public static UploadRejection Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "Some fields are not valid.", message, field);

    public static UploadRejection Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, "The upload could not be read.", detail);

    public static UploadRejection TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge, "The file is too large.",
        $"Files may be at most {maxBytes} bytes.");

    public static UploadRejection Unsupported(string detail) => new(StatusCodes.Status415UnsupportedMediaType,
        "This file type is not accepted.", $"{detail} Accepted: {MediaFormats.AcceptedList}.");
}

/// <summary>The fields of a multipart upload; the file itself is already in storage.</summary>
public sealed class UploadForm
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    /// <summary>Set before the first byte is written, so that a failed upload can be cleaned up.</summary>
    public string? StorageKey { get; set; }
    public string? OriginalFileName { get; set; }
    public string? Extension { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>True once the video row is committed: from then on the file belongs to it.</summary>
    public bool Committed { get; set; }
}

/// <summary>
/// Reads a multipart/form-data body section by section with <see cref="MultipartReader"/>: the
/// <c>file</c> part streams straight into media storage in bounded memory, the text parts are read
/// up to a small limit. Nothing is buffered whole.
/// </summary>
public sealed class UploadReader(IMediaStorage storage)
{
    private const int MaxSections = 16;
    // The reader's default (4 KiB) caps every read of the file at that size; 64 KiB reads about
    // double the throughput of a large upload, still in bounded memory.
    private const int ReadBufferSize = 64 * 1024;
    // Enough for the longest description in any script (5000 characters of up to 4 bytes).
    private const int MaxTextBytes = 32 * 1024;

    public async Task<UploadRejection?> ReadAsync(Stream body, string boundary, long maxFileBytes, UploadForm form, CancellationToken cancellationToken)
    {
        try
        {
            var reader = new MultipartReader(boundary, body, ReadBufferSize);
            var sections = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (++sections > MaxSections)
                {
                    return UploadRejection.Malformed($"An upload has at most {MaxSections} parts: file, title and description.");
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // Not a form field; MultipartReader skips its body.
                }
                var rejection = HeaderUtilities.RemoveQuotes(disposition.Name).Value switch
                {
                    "file" => await StoreFileAsync(disposition, section.Body, maxFileBytes, form, cancellationToken),
                    "title" => await ReadTextAsync("title", section.Body, text => form.Title = text, cancellationToken),
                    "description" => await ReadTextAsync("description", section.Body, text => form.Description = text, cancellationToken),
                    _ => null, // Unknown fields are ignored, as a form post would be.
                };
                if (rejection is not null)
                {
                    return rejection;
                }
            }
            return null;
        }
        catch (MediaTooLargeException)
        {
            return UploadRejection.TooLarge(maxFileBytes);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return UploadRejection.TooLarge(maxFileBytes);
        }
        catch (Exception ex) when ((ex is BadHttpRequestException or InvalidDataException or IOException) && !cancellationToken.IsCancellationRequested)
        {
            return UploadRejection.Malformed("The multipart/form-data body is malformed or ended early.");
        }
    }

    private async Task<UploadRejection?> StoreFileAsync(
        ContentDispositionHeaderValue disposition, Stream content, long maxFileBytes, UploadForm form, CancellationToken cancellationToken)
    {
        if (form.StorageKey is not null)
        {
            return UploadRejection.Invalid("file", "Send one file per upload.");
        }
        // filename* (RFC 5987) carries non-ASCII names faithfully; filename is the fallback.
        var clientName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        if (string.IsNullOrWhiteSpace(clientName))
        {
            return UploadRejection.Invalid("file", "Send the file as a file part, with its file name (for example talk.mp4).");
        }
        if (!StorableText.IsStorable(clientName))
        {
            return UploadRejection.Invalid("file", "The file name: " + StorableText.Message);
        }
        var fileName = UploadFileName.Sanitize(clientName);
        if (MediaFormats.AcceptedExtension(fileName) is not { } extension)
        {
            return UploadRejection.Unsupported($"\"{fileName}\" does not have an accepted extension.");
        }

        form.OriginalFileName = fileName;
        form.Extension = extension;
        form.StorageKey = VideoFiles.NewOriginalKey(extension);
        form.SizeBytes = await storage.WriteAsync(form.StorageKey, content, maxFileBytes, cancellationToken);
        return form.SizeBytes == 0 ? UploadRejection.Invalid("file", "The file is empty.") : null;
    }

    private static async Task<UploadRejection?> ReadTextAsync(string field, Stream content, Action<string> set, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxTextBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }
        if (length > MaxTextBytes)
        {
            var max = field == "title" ? VideoRules.TitleMaxLength : VideoRules.DescriptionMaxLength;
            return UploadRejection.Invalid(field, $"At most {max} characters.");
        }
        if (StorableText.TryDecode(buffer.AsSpan(0, length)) is not { } text)
        {
            return UploadRejection.Invalid(field, StorableText.Message);
        }
        set(text);
        return null;
    }
}
