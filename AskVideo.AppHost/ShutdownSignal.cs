using System.Runtime.InteropServices;

namespace AskVideo.AppHost;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation, so everything is stopped in order.
/// A second one terminates at once; the children still stop, as they get a signal when we die.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    public CancellationToken Token => _stopping.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stopping.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_stopping.IsCancellationRequested)
        {
            return; // second signal: default handling, i.e. exit now
        }
        context.Cancel = true;
        _stopping.Cancel();
    }
}
