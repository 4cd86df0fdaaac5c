using Axme.Grains.Common;
using Axme.Grains.Delivery;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace Axme.Grains.Intents;

/// <summary>
/// The intent's one durable timer (ADR 003, ADR 016): ticks from the reminder or a sweep, what is due next, and the
/// reminder itself, registered only while something is due.
/// </summary>
public sealed partial class IntentGrain
{
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await TickAsync();
        // Reminders of earlier versions (a reply_to reminder per completion): their work is the tick's now.
        if (reminderName != TimerReminder && await this.GetReminder(reminderName) is { } legacy) await this.UnregisterReminder(legacy);
    }

    /// <summary>
    /// A timer tick or a sweep's check. A finished intent retries its completion's hand-off; a live one: the deadline
    /// first (it ends the wait), else a due reminder or escalation, a workflow's timers and its step intent, a step's time.
    /// </summary>
    private async Task TickAsync()
    {
        if (S.Intent is not { } intent)
        {
            await UnregisterTimerAsync(); // registered before a create that failed: nothing to do, ever
            return;
        }
        if (intent.IsTerminal)
        {
            if (intent.ReplyTo is not null || intent.ParentIntentId is not null) await DeliverCompletionAsync();
            else await UnregisterTimerAsync();
            return;
        }
        var now = time.GetUtcNow();
        var transition = IntentTransitions.TimeOut(intent, now);
        if (transition.Applied)
        {
            LogTimedOut(intent.IntentId);
            await CommitAsync(transition);
            return;
        }
        transition = IntentTransitions.Remind(intent, now);
        if (transition.Applied)
        {
            await CommitAsync(transition);
            return;
        }
        transition = IntentTransitions.WorkflowTick(intent, now);
        if (transition.Applied)
        {
            await CommitAsync(transition);
            return;
        }
        if (intent.Workflow is { ChildId: not null })
        {
            await StartStepIntentAsync(recover: true);
            return;
        }
        transition = IntentTransitions.FireStep(intent, now);
        if (transition.Applied)
        {
            // The step's notifications first (stable ids: a retry after a crash sends each once), then its end.
            foreach (var (id, notification) in Steps.RuntimeSteps.Notifications(intent, JsonText.Parse(intent.RuntimeConfigJson)))
                if (intent.RuntimeType is Steps.RuntimeSteps.Reminder or Steps.RuntimeSteps.Escalation or Steps.RuntimeSteps.Notification)
                    await NotifyAsync(id, notification);
            await CommitAsync(transition);
        }
        else if (NextTimer(intent) is null)
            await UnregisterTimerAsync(); // a leftover tick: nothing is due any more
    }

    /// <summary>The earliest thing due: the deadline in force, or the next reminder/escalation of a waiting human.</summary>
    private static DateTimeOffset? NextTimer(IntentRecord intent)
    {
        if (intent.IsTerminal) return null;
        DateTimeOffset? step = intent is { Status: IntentStatus.Waiting, WaitingReason: WaitingReason.Time } ? intent.WakeAt : null;
        return new[] { intent.EffectiveDeadline, Humans.HumanTimers.NextDue(intent), step, IntentTransitions.WorkflowDue(intent) }
            .Where(t => t is not null).Min();
    }

    private async Task SetTimerAsync(TimeSpan dueIn) =>
        _timer = await this.RegisterOrUpdateReminder(TimerReminder, dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, options.Value.DeadlineReminderPeriod);

    private async Task UnregisterTimerAsync()
    {
        if ((_timer ?? await this.GetReminder(TimerReminder)) is { } reminder)
            await this.UnregisterReminder(reminder);
        _timer = null;
    }
}
