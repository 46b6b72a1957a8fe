using Microsoft.AspNetCore.Components;

namespace AskVideo.Web.Components;

/// <summary>
/// A component whose calls to the Api end when it does: <see cref="Closing"/> is cancelled when the
/// person leaves the page or closes the tab, so a streaming answer or a slow load stops with it.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closing = new();

    protected CancellationToken Closing => _closing.Token;

    public void Dispose()
    {
        _closing.Cancel();
        _closing.Dispose();
        OnDisposed();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a page releases besides its calls.</summary>
    protected virtual void OnDisposed()
    {
    }
}
