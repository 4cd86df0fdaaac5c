using Axme.Api.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Api;

/// <summary>
/// The node's intent observer references are used again, one subscription after another: a reference is made only when
/// none is idle, a relay hands a push only to the subscription it serves now and only that subscription's intent's
/// events, and references beyond the idle cap are let go (after their linger) instead of kept.
/// </summary>
public sealed class IntentObserversTests
{
    private static IntentEvent Event(Guid intent, int seq) =>
        new() { IntentId = intent, Seq = seq, EventType = "intent.created", Status = "SUBMITTED", At = DateTimeOffset.UnixEpoch };

    private static List<int> Drain(IntentEventChannel channel)
    {
        var seqs = new List<int>();
        while (channel.Reader.TryRead(out var e)) seqs.Add(e.Seq);
        return seqs;
    }

    [Fact]
    public async Task A_reference_is_used_again_and_hands_only_its_current_subscriptions_intent_events()
    {
        var made = 0;
        var deleted = new List<IIntentObserver>();
        // The "reference" is the relay itself here: what a grain pushes to it is what Orleans would deliver.
        var observers = new IntentObservers(relay => { made++; return relay; }, deleted.Add);
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var first = new IntentEventChannel();
        var relay = observers.Take(a, first);
        await relay.Reference.OnEventsAsync([Event(a, 1), Event(b, 7), Event(a, 2)]);
        Assert.Equal([1, 2], Drain(first)); // another intent's event (a push meant for an earlier subscription) is dropped

        observers.GiveBack(relay);
        Assert.Equal(1, observers.Idle);
        await relay.Reference.OnEventAsync(Event(a, 3)); // a late push after the end goes nowhere
        Assert.Empty(Drain(first));

        var second = new IntentEventChannel();
        var again = observers.Take(b, second);
        Assert.Same(relay, again);
        Assert.Equal(1, made);
        Assert.Equal(0, observers.Idle);
        await again.Reference.OnEventsAsync([Event(a, 4), Event(b, 8)]); // a's late push reaches neither
        Assert.Empty(Drain(first));
        Assert.Equal([8], Drain(second));
        Assert.Empty(deleted);
    }

    [Fact]
    public void References_beyond_the_idle_cap_are_let_go_not_kept()
    {
        var deleted = new List<IIntentObserver>();
        var observers = new IntentObservers(relay => relay, deleted.Add, maxIdle: 2);
        var relays = Enumerable.Range(0, 3).Select(_ => observers.Take(Guid.NewGuid(), new IntentEventChannel())).ToList();
        Assert.Equal(3, relays.Distinct().Count()); // none idle: each subscription made its own

        foreach (var r in relays) observers.GiveBack(r);
        Assert.Equal(2, observers.Idle);
        Assert.Equal([relays[2].Reference], deleted);
        Assert.Contains(observers.Take(Guid.NewGuid(), new IntentEventChannel()), relays[..2]);
    }
}
