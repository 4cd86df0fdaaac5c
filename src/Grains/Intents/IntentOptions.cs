namespace Axme.Grains.Intents;

/// <summary>Intent runtime settings (section "Axme:Intents").</summary>
public sealed class IntentOptions
{
    public const string Section = "Axme:Intents";

    /// <summary>
    /// Period of the deadline reminder. The first tick fires at the deadline; the period only matters
    /// when the node was down at the deadline: the intent then times out at most one period after start.
    /// Must be at least Orleans' MinimumReminderPeriod.
    /// </summary>
    public TimeSpan DeadlineReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long processed Idempotency-Keys are kept (the protocol asks for at least 24 hours).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// How long an intent that is not finished stays activated without a call (Orleans' collection age for intent
    /// grains; its default, 15 minutes, is for all grains). Most intents wait, for hours: their timer is a durable
    /// reminder and their state is in their row, so an idle one costs no memory after this (docs/adr/018). A stream
    /// listener keeps its intent activated (it subscribes again every keepalive). Orleans collects once a minute, so
    /// less than a minute changes nothing.
    /// </summary>
    public TimeSpan WaitingIntentIdle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Events one intent keeps (ADR 017 §8): past it a caller's write that does not end the intent is 409
    /// intent_event_limit, so a flood of progress cannot grow one intent's history (and memory) without end. Ending
    /// it (resolve, cancel) and the runtime's own transitions (timeouts, deliveries) are always taken.
    /// </summary>
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>Bytes of event details (progress, results, answers) one intent keeps; past it, like <see cref="MaxEvents"/>.</summary>
    public int MaxEventDetailBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Idempotency-Keys one intent remembers within <see cref="IdempotencyRetention"/>; a new one past it is 409 idempotency_limit.</summary>
    public int MaxIdempotencyEntries { get; set; } = 1_000;

    /// <summary>
    /// How long a stream delivery's DELIVERED may wait to be written with the intent's next write (docs/adr/031): an
    /// agent that answers within it costs one write for both. Until written, the intent's row (lists, the mesh's
    /// counts) still says SUBMITTED and its event list does not show intent.delivered; a crash in between hands the
    /// intent out again (at least once, same delivery_id). Zero writes it at once, before the message is sent.
    /// </summary>
    public TimeSpan DeliveredWriteDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an e-mailed magic link works when its task has no deadline.</summary>
    public TimeSpan MagicLinkLifetime { get; set; } = TimeSpan.FromDays(3);
}
