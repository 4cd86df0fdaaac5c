using System.Threading.Channels;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>An intent observer that hands pushed events to one SSE request.</summary>
public sealed class IntentEventChannel : IIntentObserver
{
    private readonly Channel<IntentEvent> _channel = Channel.CreateUnbounded<IntentEvent>(new() { SingleReader = true });

    public ChannelReader<IntentEvent> Reader => _channel.Reader;

    public Task OnEventAsync(IntentEvent intentEvent)
    {
        _channel.Writer.TryWrite(intentEvent); // false once closed: a late event is dropped
        return Task.CompletedTask;
    }

    /// <summary>Its request ended: events still in flight are dropped, not kept (Observers.ReleaseAsync).</summary>
    public void Close() => _channel.Writer.TryComplete();
}
