using Axme.Grains.Common;

namespace Axme.Grains.Intents;

/// <summary>
/// The intent's one durable timer (ADR 003, ADR 016): ticks from the reminder or a sweep, what is due next, and the
/// reminder itself, registered only while something is due.
/// </summary>
public sealed partial class IntentGrain
{
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Only a tick for something due counts (a tick can also come early, or from a reminder period while waiting).
        if (S.ReminderDueAt is { } due && time.GetUtcNow() is var now && now >= due) AxmeMetrics.TimerFired(now - due);
        await TickAsync();
        // Reminders of earlier versions (a reply_to reminder per completion): their work is the tick's now.
        if (reminderName != TimerReminder && await this.GetReminder(reminderName) is { } legacy) await this.UnregisterReminder(legacy);
        // A timer woke an intent that otherwise sleeps (a deadline, a reminder, a wake-up): unless someone listens,
        // it goes back to sleep now instead of after the idle age, so a thousand timers a second do not keep
        // minutes of activations in memory (docs/adr/018).
        if (_observers.Count == 0) DeactivateOnIdle();
    }

    /// <summary>A timer tick or a sweep's check: what <see cref="IntentTick.Decide"/> says is due, done.</summary>
    private async Task TickAsync()
    {
        var tick = IntentTick.Decide(S.Intent, time.GetUtcNow());
        switch (tick.Kind)
        {
            case TickKind.DropTimer:
                await UnregisterTimerAsync();
                break;
            case TickKind.RetryCompletion:
                await DeliverCompletionAsync();
                break;
            case TickKind.Commit:
                if (tick.TimedOut) LogTimedOut(S.Intent!.IntentId);
                await CommitAsync(tick.Transition!);
                break;
            case TickKind.RecoverStep:
                await StartStepIntentAsync(recover: true);
                break;
            case TickKind.FireStep:
                // The step's notifications first (stable ids: a retry after a crash sends each once), then its end.
                var intent = S.Intent!;
                if (intent.RuntimeType is Steps.RuntimeSteps.Reminder or Steps.RuntimeSteps.Escalation or Steps.RuntimeSteps.Notification)
                    foreach (var (id, notification) in Steps.RuntimeSteps.Notifications(intent, JsonText.Parse(intent.RuntimeConfigJson)))
                        await NotifyAsync(id, notification);
                await CommitAsync(tick.Transition!);
                break;
        }
    }

    /// <summary>Registers or moves the reminder; <paramref name="dueIn"/> is never negative (IntentEffects.Of clamps it).</summary>
    private async Task SetTimerAsync(TimeSpan dueIn) =>
        _timer = await this.RegisterOrUpdateReminder(TimerReminder, dueIn, options.Value.DeadlineReminderPeriod);

    private async Task UnregisterTimerAsync()
    {
        if ((_timer ?? await this.GetReminder(TimerReminder)) is { } reminder)
            await this.UnregisterReminder(reminder);
        _timer = null;
    }
}
