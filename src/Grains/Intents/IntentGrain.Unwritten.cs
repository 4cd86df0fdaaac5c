using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;

namespace Axme.Grains.Intents;

/// <summary>
/// A stream delivery's DELIVERED rides on the intent's next write (docs/adr/031): the agent that got the intent
/// usually answers within milliseconds, and one write then records both. Applied in memory at once (the message the
/// agent gets says DELIVERED), shown to readers of the event list only once written, written by a timer when no other
/// write comes within <see cref="IntentOptions.DeliveredWriteDelay"/>, and at deactivation.
/// </summary>
public sealed partial class IntentGrain
{
    /// <summary>Events applied in memory and not yet written, oldest first; always the newest of <c>S.Events</c>.</summary>
    private List<IntentEvent>? _unwritten;
    private IGrainTimer? _unwrittenTimer;

    /// <summary>
    /// Applies a transition that causes nothing but events (no timer to move, nothing ends or starts) without writing
    /// it, and makes sure it is written soon. False when it must be written now: the delay is off, or it causes more.
    /// </summary>
    private bool Defer(Transition transition)
    {
        var delay = options.Value.DeliveredWriteDelay;
        if (delay <= TimeSpan.Zero
            || !IntentEffects.Of(S.Intent, S.ReminderDueAt, transition, time.GetUtcNow(), options.Value.DeadlineReminderPeriod).OnlyEvents)
            return false;
        S.Intent = transition.Intent;
        S.Events.AddRange(transition.Events);
        (_unwritten ??= []).AddRange(transition.Events);
        _unwrittenTimer ??= this.RegisterGrainTimer(WriteUnwrittenAsync, delay, Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>The events a write just recorded along with its own (none when there were none); the timer is dropped.</summary>
    private IReadOnlyList<IntentEvent> TakeUnwritten()
    {
        _unwrittenTimer?.Dispose();
        _unwrittenTimer = null;
        var events = _unwritten;
        _unwritten = null;
        return events ?? [];
    }

    /// <summary>No other write came in time: the deferred events are written alone, then published.</summary>
    private async Task WriteUnwrittenAsync()
    {
        if (_unwritten is null) return;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            // Storage still has the intent as it was (SUBMITTED): the next activation reads that, and the agent's
            // stream hands it out again.
            LogUnwrittenFailed(e, this.GetPrimaryKey());
            DropActivation();
            return;
        }
        var events = TakeUnwritten();
        await AfterCommitAsync("publish", () => PublishAsync(S.Intent!, events));
    }

    /// <summary>A write failed, so memory is ahead of storage: nothing of it may be written later; the activation goes.</summary>
    private void DropActivation()
    {
        TakeUnwritten();
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Going before its timer fired (collected, the silo stopping): written now, so a graceful stop loses no mark.
        if (_unwritten is not null)
        {
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch (Exception e)
            {
                LogUnwrittenFailed(e, this.GetPrimaryKey());
            }
        }
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intent {IntentId}: its DELIVERED could not be written; it stays SUBMITTED and is handed out again")]
    private partial void LogUnwrittenFailed(Exception e, Guid intentId);
}
