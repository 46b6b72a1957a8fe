using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AskVideo.Benchmarks;

/// <summary>The ways the media benchmark reads one file, each timed from its first byte asked to its last byte read.</summary>
internal sealed class MediaReaders(HttpClient player, string mediaUrl, string path, long size, TimeSpan catStart)
{
    // The same reading buffer for the .NET HTTP client and the raw socket.
    private const int ReadBufferBytes = 256 * 1024;

    public long Size => size;

    /// <summary>The reference: <c>cat file &gt; /dev/null</c>, less the time sh and cat take to start.</summary>
    public async Task<TimeSpan> CatAsync()
    {
        var elapsed = await BenchMedia.RunAsync("sh", $"-c \"cat '{path}' > /dev/null\"");
        return elapsed - catStart;
    }

    /// <summary>GET through HttpClient, streaming (ResponseHeadersRead) into a 256 KiB buffer.</summary>
    public async Task<TimeSpan> DotnetAsync()
    {
        var timer = Stopwatch.StartNew();
        using var response = await player.GetAsync(mediaUrl, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.EnsureSuccessStatusCode().Content.ReadAsStreamAsync();
        var buffer = new byte[ReadBufferBytes];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }
        timer.Stop();
        return total == size ? timer.Elapsed : throw new InvalidOperationException($"read {total} bytes of {size}");
    }

    /// <summary>GET with curl, a second client, to tell the server's rate from the .NET client's. curl times itself.</summary>
    public async Task<TimeSpan> CurlAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}", mediaUrl])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("curl did not start");
        var output = (await process.StandardOutput.ReadToEndAsync()).Split(' ');
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || output[0] != "200" || long.Parse(output[1], CultureInfo.InvariantCulture) != size)
        {
            throw new InvalidOperationException($"curl: exit {process.ExitCode}, {string.Join(' ', output)}");
        }
        return TimeSpan.FromSeconds(double.Parse(output[2], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What loopback TCP allows without HTTP: a socket sends the file with sendfile(2) (no copy
    /// through user memory) to a socket read like the HTTP body above.
    /// </summary>
    public async Task<TimeSpan> SendfileSocketAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var timer = Stopwatch.StartNew();
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        var send = Task.Run(async () =>
        {
            await server.SendFileAsync(path);
            server.Shutdown(SocketShutdown.Send);
        });
        var buffer = new byte[ReadBufferBytes];
        long total = 0;
        int read;
        while ((read = await client.ReceiveAsync(buffer)) > 0)
        {
            total += read;
        }
        timer.Stop();
        await send;
        return total == size ? timer.Elapsed : throw new InvalidOperationException($"received {total} bytes of {size}");
    }
}

/// <summary>The kernel's page cache, emptied for cold reads (root only).</summary>
internal static class PageCache
{
    public static async Task<bool> TryDropAsync()
    {
        try
        {
            // Write dirty pages first, or they stay cached.
            await BenchMedia.RunAsync("sync", "");
            await File.WriteAllTextAsync("/proc/sys/vm/drop_caches", "3");
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
