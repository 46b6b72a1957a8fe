using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace AskVideo.Api.Media;

/// <summary>
/// The response body of a media request with a faster <see cref="SendFileAsync"/>. Kestrel has no
/// sendfile(2): its fallback copies the file through a FileStream into the response stream 64 KiB at
/// a time, one more copy and four times as many flushes. This reads each chunk of the file straight
/// into the response pipe's memory instead. Everything else is the server's own feature, so ranges,
/// validators, HEAD and 304/412/416 stay with <c>TypedResults.PhysicalFile</c>.
/// </summary>
internal sealed class PipeSendFileFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    // Measured on loopback (1 GiB, page cache hot): 256 KiB chunks send about 1.6 times as fast as the
    // fallback, 64-128 KiB less, 512 KiB-1 MiB no faster. Memory stays bounded: Kestrel's flush waits
    // while the socket is behind, so a response holds about one chunk, rented from the array pool.
    internal const int ChunkBytes = 256 * 1024;

    public Stream Stream => inner.Stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(file);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, length);
        var end = offset + (count ?? length - offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, offset, nameof(count));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, length, nameof(count));

        var writer = inner.Writer;
        while (offset < end)
        {
            var wanted = (int)Math.Min(ChunkBytes, end - offset);
            var memory = writer.GetMemory(wanted);
            wanted = Math.Min(wanted, memory.Length);
            var read = await RandomAccess.ReadAsync(file, memory[..wanted], offset, cancellationToken);
            if (read == 0)
            {
                // Truncated while we send: fail, so that the server aborts instead of sending a short body.
                throw new IOException($"The file ended at {offset} bytes, before the {end} bytes being sent.");
            }
            writer.Advance(read);
            offset += read;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCompleted)
            {
                // Nobody reads any more (the client went away).
                return;
            }
            if (flushed.IsCanceled)
            {
                throw new OperationCanceledException("The response flush was canceled.");
            }
        }
    }
}
