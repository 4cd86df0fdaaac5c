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
    /// How long a finished intent stays activated after its terminal write (for the reads and stream windows that
    /// follow at once); then it is deactivated, so finished intents do not pile up in memory.
    /// </summary>
    public TimeSpan FinishedIntentIdle { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an e-mailed magic link works when its task has no deadline.</summary>
    public TimeSpan MagicLinkLifetime { get; set; } = TimeSpan.FromDays(3);
}
