using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Intents;

/// <summary>
/// What time does to an intent, as pure transitions: a waiting human's reminders and escalation, a built-in step whose
/// time came, the deadline.
/// </summary>
public static partial class IntentTransitions
{
    /// <summary>
    /// A timer tick for a waiting human (HumanTimers): the next reminder (intent.reminder, same holder) or,
    /// after the last one, the escalation (intent.escalated: the task is reassigned to escalate_to).
    /// </summary>
    public static Transition Remind(IntentRecord intent, DateTimeOffset now)
    {
        if (Humans.HumanTimers.NextDue(intent) is not { } due || due > now) return NotApplied(intent, "nothing_due");
        var log = new EventLog(intent, now);
        if (Humans.HumanTimers.NextIsReminder(intent))
        {
            var n = intent.RemindCount + 1;
            log.Append(IntentEventType.Reminder, IntentStatus.Waiting, WaitingReason.Human, actor: "system",
                details: JsonText.Object(("reminder", Number(n)), ("max_reminders", Number(intent.MaxReminders ?? Humans.HumanTimers.DefaultMaxReminders)),
                    ("remind_to", intent.PendingWith?.Ref)));
            return log.Result(log.Intent with { RemindCount = n });
        }
        var escalateTo = intent.EscalateTo!;
        var task = JsonText.Parse(intent.HumanTaskJson);
        var previous = task["assignees"]?.DeepClone();
        task["assignees"] = new JsonArray(escalateTo);
        log.Append(IntentEventType.Escalated, IntentStatus.Waiting, WaitingReason.Human, new PendingWith("human", escalateTo, escalateTo), actor: "system",
            details: JsonText.Object(("escalated_to", escalateTo), ("escalated_from", previous), ("reminders_sent", Number(intent.RemindCount))),
            humanTaskJson: task.ToJsonString());
        return log.Result(log.Intent with { EscalatedAt = now, HumanTaskJson = task.ToJsonString() });
    }

    /// <summary>
    /// A built-in step whose time has come: a reminder (intent.reminder) or escalation (intent.escalated) is
    /// recorded, then the step completes (IN_PROGRESS → COMPLETED) with what it did; a delay or a notification
    /// just completes. The notifications themselves are sent by the grain before it commits this.
    /// </summary>
    public static Transition FireStep(IntentRecord intent, DateTimeOffset now)
    {
        if (intent.RuntimeType is not { } type || !Steps.RuntimeSteps.Waits(type) || intent.Status != IntentStatus.Waiting
            || intent.WaitingReason != WaitingReason.Time || intent.WakeAt is not { } at || at > now)
            return NotApplied(intent, "nothing_due");
        var config = JsonText.Parse(intent.RuntimeConfigJson);
        var log = new EventLog(intent, now);
        string result;
        switch (type)
        {
            case Steps.RuntimeSteps.Reminder:
                log.Append(IntentEventType.Reminder, IntentStatus.Waiting, WaitingReason.Time, actor: "system",
                    details: JsonText.Object(("to", config["to"]), ("message", config["message"])));
                result = JsonText.Object(("reminded", config["to"]));
                break;
            case Steps.RuntimeSteps.Escalation:
                var to = config["escalate_to"]!.GetValue<string>();
                log.Append(IntentEventType.Escalated, IntentStatus.Waiting, WaitingReason.Time, new PendingWith("human", to, to), actor: "system",
                    details: JsonText.Object(("escalated_to", to), ("message", config["message"])));
                result = JsonText.Object(("escalated_to", to));
                break;
            case Steps.RuntimeSteps.Notification:
                result = JsonText.Object(("notified", config["to"] ?? new JsonArray()));
                break;
            default:
                result = JsonText.Object(("waited_until", WireTime.Format(at)));
                break;
        }
        log.MoveThroughInProgress("system");
        log.Append(IntentEventType.Completed, IntentStatus.Completed, actor: "system", details: JsonText.Object(("result", JsonText.Raw(result))));
        return log.Result(log.Intent with { ResultJson = result, WakeAt = null });
    }

    /// <summary>A deadline check: TIMED_OUT when the deadline in force has passed, else nothing.</summary>
    public static Transition TimeOut(IntentRecord intent, DateTimeOffset now)
    {
        if (intent.IsTerminal || intent.EffectiveDeadline is not { } deadline || now < deadline)
            return NotApplied(intent, "deadline_not_reached");
        var error = JsonText.Object(("code", "intent_timeout"), ("message", "intent deadline exceeded"),
            ("category", "timeout"), ("retryable", true), ("at", WireTime.Format(deadline)));
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.TimedOut, IntentStatus.TimedOut, actor: "system",
            details: JsonText.Object(("error", JsonText.Raw(error))));
        return log.Result(log.Intent with { ErrorJson = error });
    }
}
