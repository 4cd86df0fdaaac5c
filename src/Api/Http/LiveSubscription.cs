using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Axme.Api.Http;

/// <summary>
/// The observer side of a live subscription: what a grain pushes lands in a channel its one reader (the response)
/// takes from. Closed when the response ends: a push still in flight is then dropped, not kept.
/// </summary>
public abstract class PushChannel<T>(Channel<T> channel)
{
    public ChannelReader<T> Reader => channel.Reader;

    /// <summary>False once closed: a late push is dropped (or one of a bounded channel that coalesces, when full).</summary>
    protected bool Push(T item) => channel.Writer.TryWrite(item);

    public void Close() => channel.Writer.TryComplete();
}

/// <summary>What ended a wait of a <see cref="LiveSubscription{TObserver, T}"/>.</summary>
public enum LiveWait
{
    /// <summary>Something was pushed: read it from <c>Pushes</c>.</summary>
    Pushed,

    /// <summary>The keepalive interval passed without a push: write a keepalive and subscribe again.</summary>
    KeepAlive,

    /// <summary>The window closed (its length ran out, the client went away, the node is draining).</summary>
    Closed,
}

/// <summary>
/// The live part of a long-lived response — the intent's event stream, the agent's delivery stream, MCP's wait —
/// written once: a grain observer whose pushes land in <see cref="Pushes"/>; the response's window (its length, the
/// client going away, the node draining: <see cref="Hosting.NodeDrain"/>); the keepalive interval at which the caller
/// writes a keepalive and subscribes again (pushes live in one grain activation's memory, which may have gone: a new
/// subscription revives them and its answer covers what was missed); and the release at the end
/// (<see cref="DisposeAsync"/>). The callers say what to subscribe to and what a push means.
/// </summary>
public sealed class LiveSubscription<TObserver, T> : IAsyncDisposable where TObserver : IGrainObserver
{
    private readonly Action _giveBack;
    private readonly PushChannel<T> _channel;
    private readonly Func<TObserver, Task> _unsubscribe;
    private readonly CancellationTokenSource _window;
    private readonly TimeSpan _keepAlive;

    private LiveSubscription(Action giveBack, PushChannel<T> channel, TObserver observer, Func<TObserver, Task> unsubscribe,
        CancellationTokenSource window, TimeSpan keepAlive)
    {
        (_giveBack, _channel, Observer, _unsubscribe, _window, _keepAlive) = (giveBack, channel, observer, unsubscribe, window, keepAlive);
    }

    /// <summary>
    /// Opens the window and makes the observer reference; the caller subscribes <see cref="Observer"/> next (its answer,
    /// the backlog, comes in the same grain turn, so nothing falls between the backlog and the first push).
    /// </summary>
    /// <param name="services">The request's services (grain factory, NodeDrain, ApiOptions' keepalive, ObserverLinger).</param>
    /// <param name="channel">The observer implementation, whose pushes this subscription reads.</param>
    /// <param name="unsubscribe">Tells the grain the observer is gone (at the end, best effort).</param>
    /// <param name="length">How long the window stays open at most.</param>
    /// <param name="aborted">The client went away.</param>
    public static LiveSubscription<TObserver, T> Open<TChannel>(IServiceProvider services, TChannel channel, Func<TObserver, Task> unsubscribe,
        TimeSpan length, CancellationToken aborted) where TChannel : PushChannel<T>, TObserver
    {
        var observer = services.GetRequiredService<IGrainFactory>().CreateObjectReference<TObserver>(channel);
        var linger = services.GetRequiredService<ObserverLinger>();
        return Open(services, channel, observer, () => linger.Release(observer), unsubscribe, length, aborted);
    }

    /// <summary>
    /// The same on a reference made elsewhere (<see cref="Intents.IntentObservers"/>: used again by one subscription
    /// after another), given back by <paramref name="giveBack"/> at the end instead of deleted after its linger.
    /// </summary>
    public static LiveSubscription<TObserver, T> Open(IServiceProvider services, PushChannel<T> channel, TObserver observer, Action giveBack,
        Func<TObserver, Task> unsubscribe, TimeSpan length, CancellationToken aborted)
    {
        var window = services.GetRequiredService<Hosting.NodeDrain>().Window(length, aborted);
        var keepAlive = services.GetRequiredService<IOptions<ApiOptions>>().Value.SseKeepAlive;
        return new LiveSubscription<TObserver, T>(giveBack, channel, observer, unsubscribe, window, keepAlive);
    }

    /// <summary>The reference to subscribe with.</summary>
    public TObserver Observer { get; }

    /// <summary>What was pushed, in order.</summary>
    public ChannelReader<T> Pushes => _channel.Reader;

    public bool IsClosed => _window.IsCancellationRequested;

    /// <summary>
    /// The grain let the observer go itself (an intent does with its terminal event, docs/adr/034): the end has
    /// nothing to tell it.
    /// </summary>
    public void Released() => _released = true;

    private bool _released;

    /// <summary>Waits for a push, at most the keepalive interval (or a shorter <paramref name="interval"/>), or until the window closes.</summary>
    public async Task<LiveWait> WaitAsync(TimeSpan? interval = null)
    {
        if (_window.IsCancellationRequested) return LiveWait.Closed;
        if (_channel.Reader.TryPeek(out _)) return LiveWait.Pushed; // no timer for a push already there
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(_window.Token);
        tick.CancelAfter(interval is { } shorter && shorter < _keepAlive ? shorter : _keepAlive);
        try
        {
            return await _channel.Reader.WaitToReadAsync(tick.Token) ? LiveWait.Pushed : LiveWait.Closed;
        }
        catch (OperationCanceledException)
        {
            return _window.IsCancellationRequested ? LiveWait.Closed : LiveWait.KeepAlive;
        }
    }

    /// <summary>
    /// Ends it: tells the grain (unless it <see cref="Released"/> the observer), then gives the reference back: one made
    /// for this subscription is deleted only after <see cref="ObserverLinger.Linger"/> (a one-way push the grain sent just
    /// before the unsubscribe can arrive after its answer, and a deleted reference would make Orleans log it as an error —
    /// a client that opens and drops streams could fill the log; until then the closed channel drops such pushes); one of
    /// <see cref="Intents.IntentObservers"/> goes back to be used again.
    /// Never throws: a grain that is gone or slow forgets the observer by itself (its ObserverManager's expiry).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Close();
        _window.Dispose();
        try
        {
            if (!_released) await _unsubscribe(Observer).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // the grain's ObserverManager expiry removes it
        }
        _giveBack();
    }
}
