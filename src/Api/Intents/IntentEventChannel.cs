using System.Threading.Channels;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>An intent observer that hands pushed events to one SSE request.</summary>
public sealed class IntentEventChannel : IIntentObserver
{
    private readonly Channel<IntentEvent> _channel = Channel.CreateUnbounded<IntentEvent>(new() { SingleReader = true });

    public ChannelReader<IntentEvent> Reader => _channel.Reader;

    /// <summary>
    /// The next pushed event, or null once <paramref name="keepAlive"/> passed without one (time to write a keepalive
    /// and subscribe again); throws OperationCanceledException when the window closes.
    /// </summary>
    public async Task<IntentEvent?> NextAsync(TimeSpan keepAlive, CancellationToken window)
    {
        window.ThrowIfCancellationRequested();
        if (_channel.Reader.TryRead(out var ready)) return ready; // no timer for an event already there
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(window);
        tick.CancelAfter(keepAlive);
        try
        {
            return await _channel.Reader.ReadAsync(tick.Token);
        }
        catch (OperationCanceledException) when (!window.IsCancellationRequested)
        {
            return null;
        }
    }

    public Task OnEventAsync(IntentEvent intentEvent) => OnEventsAsync([intentEvent]);

    public Task OnEventsAsync(IReadOnlyList<IntentEvent> events)
    {
        foreach (var e in events) _channel.Writer.TryWrite(e); // false once closed: a late event is dropped
        return Task.CompletedTask;
    }

    /// <summary>Its request ended: events still in flight are dropped, not kept (Observers.ReleaseAsync).</summary>
    public void Close() => _channel.Writer.TryComplete();
}
