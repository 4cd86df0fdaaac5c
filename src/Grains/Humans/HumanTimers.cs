using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Humans;

/// <summary>
/// When a waiting human is nudged or the task escalated (pure): reminders at waiting_since +
/// remind_after_seconds, then every remind_interval_seconds (default: remind_after_seconds), up to
/// max_reminders (default 3); then, with escalate_to, one escalation at the next interval.
/// </summary>
public static class HumanTimers
{
    public const int DefaultMaxReminders = 3;

    /// <summary>The next reminder or escalation, or null when none is due any more (or the intent does not wait for a human).</summary>
    public static DateTimeOffset? NextDue(IntentRecord i)
    {
        if (i.Status != IntentStatus.Waiting || i.WaitingReason != WaitingReason.Human
            || i.WaitingSince is not { } since || i.RemindAfterSeconds is not { } after) return null;
        var interval = i.RemindIntervalSeconds ?? after;
        var max = i.MaxReminders ?? DefaultMaxReminders;
        if (i.RemindCount < max) return since.AddSeconds(after + (double)i.RemindCount * interval);
        if (i.EscalateTo is not null && i.EscalatedAt is null) return since.AddSeconds(after + (double)max * interval);
        return null;
    }

    /// <summary>True when the next reminder is a reminder (not the escalation).</summary>
    public static bool NextIsReminder(IntentRecord i) => i.RemindCount < (i.MaxReminders ?? DefaultMaxReminders);
}
