using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// Readers of the intent's history and its listeners (the SSE stream, MCP's wait): the backlog after a cursor, and the
/// observers its commits are pushed to (IntentGrain.Effects), let go with the terminal event (docs/adr/034).
/// </summary>
public sealed partial class IntentGrain
{
    public Task<IReadOnlyList<IntentEvent>> GetEventsAsync(Caller caller, int since)
    {
        Visible(caller);
        return Task.FromResult(EventsAfter(since));
    }

    public Task<IReadOnlyList<IntentEvent>> SubscribeAsync(Caller caller, IIntentObserver observer, int since)
    {
        // A finished intent has nothing more to push: its listener ends with the backlog (docs/adr/034), and the
        // activation this read made goes with it, as with its last listener leaving.
        if (Visible(caller).IsTerminal)
        {
            if (_observers.Count == 0) DeactivateOnIdle();
        }
        else _observers.Subscribe(observer, observer);
        return Task.FromResult(EventsAfter(since));
    }

    public Task UnsubscribeAsync(IIntentObserver observer)
    {
        _observers.Unsubscribe(observer);
        if (_observers.Count == 0 && S.Intent is { IsTerminal: true }) DeactivateOnIdle(); // its last listener of a finished intent
        return Task.CompletedTask;
    }

    /// <summary>The written events after <paramref name="since"/>: one not yet written could still be lost, and its seq reused.</summary>
    private IReadOnlyList<IntentEvent> EventsAfter(int since) =>
        S.Events.Take(S.Events.Count - (_unwritten?.Count ?? 0)).Where(e => e.Seq > since).ToArray();
}
