using System.Collections.Concurrent;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Intents;

/// <summary>
/// The node's intent observer references, each made once and used by one live subscription after another (the intent's
/// event stream, MCP's wait; docs/adr/041). A reference made per subscription had to outlive its stream by
/// <see cref="ObserverLinger.Linger"/> (a push to a deleted reference is logged as an error), and each kept a dozen
/// objects in Orleans' observer table: under load, tens of thousands at a time, every one surviving the young
/// collections into the oldest generation, a large part of what each collection copied. A reference used again is
/// never deleted, so a late push still finds it: its relay hands a push only to the subscription it serves now, and
/// only that subscription's intent's events (a late push of the same intent to its next stream is harmless: streams
/// order and de-duplicate events by seq).
/// </summary>
public sealed class IntentObservers
{
    /// <summary>Idle references kept by default; one given back beyond them is deleted after its linger.</summary>
    public const int DefaultMaxIdle = 1024;

    private readonly ConcurrentStack<Relay> _idle = new();
    private readonly Func<IIntentObserver, IIntentObserver> _reference;
    private readonly Action<IIntentObserver> _delete;
    private readonly int _maxIdle;
    private int _idleCount;

    public IntentObservers(IGrainFactory grains, ObserverLinger linger)
        : this(relay => grains.CreateObjectReference<IIntentObserver>(relay), linger.Release) { }

    /// <param name="reference">Makes a relay's observer reference (the grain factory's, but for tests).</param>
    /// <param name="delete">Lets a reference go that is not kept (after its linger).</param>
    /// <param name="maxIdle">How many idle references are kept.</param>
    public IntentObservers(Func<IIntentObserver, IIntentObserver> reference, Action<IIntentObserver> delete, int maxIdle = DefaultMaxIdle)
    {
        (_reference, _delete, _maxIdle) = (reference, delete, maxIdle);
    }

    /// <summary>References made and kept idle for the next subscriptions.</summary>
    public int Idle => Volatile.Read(ref _idleCount);

    /// <summary>
    /// A live subscription to <paramref name="intentId"/>'s events on a reference of this node (made when none is idle);
    /// the reference comes back when the subscription ends.
    /// </summary>
    public LiveSubscription<IIntentObserver, IntentEvent> Open(IServiceProvider services, Guid intentId,
        Func<IIntentObserver, Task> unsubscribe, TimeSpan length, CancellationToken aborted)
    {
        var channel = new IntentEventChannel();
        var relay = Take(intentId, channel);
        return LiveSubscription<IIntentObserver, IntentEvent>.Open(services, channel, relay.Reference, () => GiveBack(relay), unsubscribe, length, aborted);
    }

    /// <summary>A relay serving <paramref name="channel"/> with <paramref name="intentId"/>'s events.</summary>
    public Relay Take(Guid intentId, IntentEventChannel channel)
    {
        if (_idle.TryPop(out var relay)) Interlocked.Decrement(ref _idleCount);
        else relay = new Relay(_reference);
        relay.Serve(new Served(intentId, channel));
        return relay;
    }

    /// <summary>The subscription ended (the grain was told, or let the observer go): the relay serves no one until taken again.</summary>
    public void GiveBack(Relay relay)
    {
        relay.Serve(null);
        if (Interlocked.Increment(ref _idleCount) <= _maxIdle)
        {
            _idle.Push(relay);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        _delete(relay.Reference);
    }

    public sealed record Served(Guid IntentId, IntentEventChannel Channel);

    /// <summary>The object behind one reference: hands what is pushed to it to the subscription it serves now.</summary>
    public sealed class Relay : IIntentObserver
    {
        private volatile Served? _served;

        public Relay(Func<IIntentObserver, IIntentObserver> reference) => Reference = reference(this);

        /// <summary>The reference grains push to.</summary>
        public IIntentObserver Reference { get; }

        public void Serve(Served? served) => _served = served;

        public Task OnEventAsync(IntentEvent intentEvent)
        {
            Hand(intentEvent);
            return Task.CompletedTask;
        }

        public Task OnEventsAsync(IReadOnlyList<IntentEvent> events)
        {
            foreach (var e in events) Hand(e);
            return Task.CompletedTask;
        }

        private void Hand(IntentEvent e)
        {
            if (_served is { } served && served.IntentId == e.IntentId) served.Channel.Accept(e);
        }
    }
}
