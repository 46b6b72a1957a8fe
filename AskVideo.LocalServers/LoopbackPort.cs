using System.Net;
using System.Net.Sockets;

namespace AskVideo.LocalServers;

/// <summary>Finds TCP ports on 127.0.0.1.</summary>
public static class LoopbackPort
{
    /// <summary>A port that was free a moment ago (the OS picks it); callers retry if it is taken meanwhile.</summary>
    public static int PickFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
