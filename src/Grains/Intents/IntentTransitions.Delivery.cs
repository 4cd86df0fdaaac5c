using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Intents;

/// <summary>
/// Handing an intent to its agent (PROTOCOL §6): delivered, leased by a poller, acknowledged, taken up with progress, or
/// dead-lettered, as pure transitions.
/// </summary>
public static partial class IntentTransitions
{
    /// <summary>Handed to the agent's channel: SUBMITTED → DELIVERED (once); any other status is left alone.</summary>
    public static Transition Deliver(IntentRecord intent, DateTimeOffset now, int? attempts = null)
    {
        if (intent.Status != IntentStatus.Submitted) return NotApplied(intent, "not_submitted");
        // The handler is set before the event, so intent.delivered names it like the intent does.
        var log = new EventLog(intent with { Handler = intent.ToAgent }, now);
        log.Append(IntentEventType.Delivered, IntentStatus.Delivered, actor: "system",
            pendingWith: new PendingWith("agent", intent.ToAgent, intent.ToAgent),
            details: attempts is { } n ? JsonText.Object(("delivery_attempt", Number(n))) : null);
        return log.Result(log.Intent with { DeliveryAttempt = attempts ?? intent.DeliveryAttempt });
    }

    /// <summary>
    /// A pushed delivery (http, inbox, internal) was dead-lettered: FAILED with delivery_failed while the handler has not taken the
    /// intent up (SUBMITTED or DELIVERED); once it has (acknowledged, working, finished) it evidently got it.
    /// </summary>
    public static Transition DeadLetter(IntentRecord intent, int attempts, string lastError, DateTimeOffset now) =>
        intent.Status is IntentStatus.Submitted or IntentStatus.Delivered
            ? FailDelivery(new EventLog(intent, now), attempts, $"delivery failed after {attempts} attempts: {lastError}", now)
            : NotApplied(intent, "taken_up_by_handler");

    /// <summary>
    /// A poller takes the delivery: SUBMITTED/DELIVERED and not leased by another poller. Each lease is a
    /// delivery attempt; past the maximum the intent fails with delivery_failed instead.
    /// </summary>
    public static Transition Lease(IntentRecord intent, DateTimeOffset now, TimeSpan lease, int maxAttempts)
    {
        if (intent.Status is not (IntentStatus.Submitted or IntentStatus.Delivered)) return NotApplied(intent, "not_deliverable");
        if (intent.LeaseUntil is { } until && until > now) return NotApplied(intent, "leased");
        var attempt = intent.DeliveryAttempt + 1;
        var max = intent.MaxDeliveryAttempts ?? maxAttempts;
        var log = new EventLog(intent with { Handler = intent.ToAgent }, now);
        if (attempt > max) return FailDelivery(log, max, $"not acknowledged after {max} delivery attempts", now);
        if (intent.Status == IntentStatus.Submitted)
            log.Append(IntentEventType.Delivered, IntentStatus.Delivered, actor: "system",
                pendingWith: new PendingWith("agent", intent.ToAgent, intent.ToAgent),
                details: JsonText.Object(("delivery_attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return log.Result(log.Intent with { LeaseUntil = now + lease, DeliveryAttempt = attempt, Handler = intent.ToAgent, UpdatedAt = now });
    }

    /// <summary>The handler confirms receipt: DELIVERED → ACKNOWLEDGED; the delivery is no longer redelivered.</summary>
    public static Transition Acknowledge(IntentRecord intent, string? actor, DateTimeOffset now)
    {
        EnsureNotTerminal(intent);
        if (intent.Status != IntentStatus.Delivered) return NotApplied(intent, "not_delivered");
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.Acknowledged, IntentStatus.Acknowledged, actor: actor);
        return log.Result(log.Intent with { LeaseUntil = null });
    }

    /// <summary>
    /// The handler reports progress: from SUBMITTED, DELIVERED or ACKNOWLEDGED it moves to IN_PROGRESS (it has
    /// taken the delivery up: no lease, no redelivery); while IN_PROGRESS each report is another
    /// intent.in_progress event. A WAITING intent continues by resume, not by progress.
    /// </summary>
    public static Transition Progress(IntentRecord intent, string? actor, string progressJson, DateTimeOffset now)
    {
        EnsureNotTerminal(intent);
        if (intent.Status == IntentStatus.Waiting)
            throw ProtocolException.Conflict("intent_waiting", "a waiting intent continues by resume, not by progress");
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: actor,
            details: JsonText.Object(("progress", JsonText.Raw(progressJson))));
        return log.Result(log.Intent with { LeaseUntil = null, Handler = intent.Handler ?? intent.ToAgent });
    }

    private static Transition FailDelivery(EventLog log, int attempts, string message, DateTimeOffset now)
    {
        var error = JsonText.Object(("code", "delivery_failed"), ("message", message),
            ("category", "transport"), ("retryable", true), ("at", WireTime.Format(now)));
        log.Append(IntentEventType.DeliveryFailed, IntentStatus.Failed, actor: "system",
            details: JsonText.Object(("delivery_attempt", Number(attempts)), ("error", JsonText.Raw(error))));
        return log.Result(log.Intent with { ErrorJson = error, LeaseUntil = null, DeliveryAttempt = Math.Max(attempts, log.Intent.DeliveryAttempt) });
    }
}
