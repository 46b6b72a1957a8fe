using System.Net;
using System.Net.Sockets;

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// A TCP link on loopback to a real server that can fail in two ways. <see cref="Sever"/> is a
/// network partition: connections stay open, what is sent is swallowed, and no answer ever comes
/// back, the case in which only the caller's own time bound ends the wait. <see cref="GoDown"/> is
/// the server going away, as a stopped or restarting one does: every connection is closed and new
/// ones are closed at once, until <see cref="ComeBack"/>. The server itself, shared by other tests,
/// is never touched.
/// </summary>
public sealed class SeveredLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private volatile bool _severed;
    private volatile bool _down;

    private SeveredLink(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static SeveredLink To(int targetPort) => new(targetPort);

    /// <summary>From now on nothing passes in either direction, and nothing is closed.</summary>
    public void Sever() => _severed = true;

    /// <summary>Closes every connection, and closes new ones as soon as they are made.</summary>
    public void GoDown()
    {
        _down = true;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
            _connections.Clear();
        }
    }

    /// <summary>New connections reach the server again.</summary>
    public void ComeBack() => _down = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (!_stop.IsCancellationRequested)
            {
                continue; // One connection failed as it was accepted; the link goes on.
            }
            if (_down)
            {
                client.Dispose();
                continue;
            }
            // Connected on its own, so a slow or failed connection to the server never holds up
            // (or ends) the accepting of the next one.
            _ = ConnectAsync(client);
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }
        lock (_connections)
        {
            if (_down || _stop.IsCancellationRequested)
            {
                // Taken down while this connection was being made.
                client.Dispose();
                server.Dispose();
                return;
            }
            _connections.Add(client);
            _connections.Add(server);
        }
        _ = PumpAsync(client.GetStream(), server.GetStream());
        _ = PumpAsync(server.GetStream(), client.GetStream());
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (!_severed)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
        _stop.Dispose();
    }
}
