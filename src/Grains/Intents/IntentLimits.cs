using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Intents;

/// <summary>
/// What one intent keeps (ADR 017 §8), checked before a caller's write: past the events or their details' bytes only
/// an ending (resolve, cancel) is taken, so a flood of progress cannot grow one intent without end; a new
/// Idempotency-Key past the remembered ones is refused. The runtime's own transitions (timeouts, deliveries) are
/// not checked: they must always happen. Pure; nothing is written when it throws.
/// </summary>
public static class IntentLimits
{
    public static void Check(IntentOptions o, IntentState state, Transition transition, bool newIdempotencyKey, DateTimeOffset now)
    {
        if (transition.Applied && !transition.Intent.IsTerminal
            && (state.Events.Count + transition.Events.Count > o.MaxEvents
                || state.Events.Sum(e => e.DetailsJson?.Length ?? 0) + transition.Events.Sum(e => e.DetailsJson?.Length ?? 0) > o.MaxEventDetailBytes))
            throw new ProtocolException(409, "intent_event_limit",
                $"the intent keeps at most {o.MaxEvents} events and {o.MaxEventDetailBytes} bytes of their details; only resolving or canceling it is taken now");
        if (newIdempotencyKey && state.Idempotency.Count(e => now - e.CreatedAt <= o.IdempotencyRetention) >= o.MaxIdempotencyEntries)
            throw new ProtocolException(409, "idempotency_limit",
                $"the intent remembers at most {o.MaxIdempotencyEntries} Idempotency-Keys at a time; retry later or without a new key");
    }
}
