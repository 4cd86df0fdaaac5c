using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Delivery;

/// <summary>
/// One pushed delivery: an intent to an http agent (a signed POST), an inbox agent (a thread in its inbox)
/// or an internal agent (a handler in the silo), an event to a webhook subscription, or a notification (an
/// e-mail, or a signed POST to the configured chat webhook). Records every
/// attempt, retries with backoff and jitter, dead-letters after the attempt limit. The next attempt runs
/// on a grain timer; a reminder, registered before the first write and removed after the last, brings the
/// delivery back after a crash (the activation reschedules the timer), so retries survive restarts.
/// </summary>
public sealed partial class DeliveryGrain(
    [PersistentState(AxmeNames.DeliveryState, AxmeNames.Storage)] IPersistentState<DeliveryState> state,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    InternalHandlers handlers,
    NotificationChannels channels,
    Interfaces.Tenancy.UsageMeter usage,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryGrain> logger) : Grain, IDeliveryGrain, IRemindable
{
    private const string KeepAliveReminder = "delivery";
    private IGrainTimer? _timer;

    private DeliveryRecord? D => state.State.Delivery;
    private DeliveryOptions O => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (D is { IsFinished: false } d) Schedule(d.NextAttemptAt);
        return Task.CompletedTask;
    }

    public async Task<DeliveryRecord> EnqueueAsync(DeliveryJob job)
    {
        if (D is { } existing)
        {
            // Handed here again (the sweep, a resumed agent): a pending attempt that waits for nothing but its time is due now.
            if (!existing.IsFinished && DeliveryKinds.IsAgent(existing.Job.Kind)) Schedule(existing.NextAttemptAt);
            return existing;
        }
        var now = time.GetUtcNow();
        if (channels.Unavailable(job) is { } reason) return await SkipAsync(job, reason, now);
        var record = new DeliveryRecord
        {
            DeliveryId = this.GetPrimaryKeyString(), Job = job, Status = DeliveryStatus.Pending,
            CreatedAt = now, UpdatedAt = now, NextAttemptAt = now,
        };
        if (DeliveryKinds.IsAgent(job.Kind))
        {
            // An agent delivery's durable record is its intent: while the intent is SUBMITTED the delivery sweep
            // hands it here again after a crash (which reactivates a pending delivery, or starts a lost one).
            // So no reminder and no first write: the first attempt's outcome is the first write.
            state.State.Delivery = record;
            Schedule(now);
            return record;
        }
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.Delivery = record;
        await state.WriteStateAsync();
        Schedule(now);
        return D!;
    }

    /// <summary>A notification this node has no channel for: recorded as skipped, with the reason, never attempted.</summary>
    private async Task<DeliveryRecord> SkipAsync(DeliveryJob job, string reason, DateTimeOffset now)
    {
        state.State.Delivery = new DeliveryRecord
        {
            DeliveryId = this.GetPrimaryKeyString(), Job = job, Status = DeliveryStatus.Skipped, CreatedAt = now, UpdatedAt = now, Reason = reason,
        };
        await state.WriteStateAsync();
        LogSkipped(D!.DeliveryId, reason);
        return D;
    }

    public Task<DeliveryRecord?> GetAsync() => Task.FromResult(D);

    public async Task<DeliveryRecord> ReplayAsync()
    {
        if (D is not { } d) throw ProtocolException.NotFound("delivery", this.GetPrimaryKeyString());
        if (!d.IsFinished) return d;
        var now = time.GetUtcNow();
        await this.RegisterOrUpdateReminder(KeepAliveReminder, O.ReminderPeriod, O.ReminderPeriod);
        state.State.RoundStart = d.Attempts.Count;
        state.State.Replays++;
        state.State.Delivery = d with { Status = DeliveryStatus.Pending, NextAttemptAt = now, UpdatedAt = now };
        await state.WriteStateAsync();
        Schedule(now);
        return D!;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (D is { IsFinished: false } d)
        {
            if (d.NextAttemptAt <= time.GetUtcNow()) await AttemptAsync();
            else Schedule(d.NextAttemptAt);
        }
        else if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder); // a leftover tick of a finished delivery
        }
    }

    private void Schedule(DateTimeOffset? at)
    {
        var delay = (at ?? time.GetUtcNow()) - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_timer is null) _timer = this.RegisterGrainTimer(_ => AttemptAsync(), delay, Timeout.InfiniteTimeSpan);
        else _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task AttemptAsync()
    {
        if (D is not { IsFinished: false } d) return;
        if (d.NextAttemptAt > time.GetUtcNow())
        {
            Schedule(d.NextAttemptAt); // a timer tick a little early (or a reminder tick between attempts): wait on
            return;
        }
        var round = d.Attempts.Count + 1 - state.State.RoundStart; // attempt number since the (re)start
        var (attempt, max, held) = d.Job.Kind switch
        {
            DeliveryKinds.Subscription => With(await SubscriptionAttemptAsync(d, round)),
            DeliveryKinds.Email or DeliveryKinds.Notification => With(await NotificationAttemptAsync(d, round)),
            _ => await AgentAttemptAsync(d, round),
        };
        if (held)
        {
            // Its agent is killed: looked at again a while later, or at once when a resume hands it here again (EnqueueAsync).
            Schedule(time.GetUtcNow() + O.KilledAgentRecheck);
            return;
        }
        if (attempt is null)
        {
            await FinishAsync(d, DeliveryStatus.Obsolete, null);
            return;
        }
        var recorded = d with { Attempts = [.. d.Attempts, attempt], UpdatedAt = time.GetUtcNow() };
        AxmeMetrics.DeliveryAttempt(d.Job.Kind, ok: attempt.Error is null);
        if (attempt.Error is null)
        {
            LogDelivered(d.DeliveryId, round);
            await FinishAsync(recorded, DeliveryStatus.Delivered, round);
        }
        else if (round >= max)
        {
            LogDeadLettered(d.DeliveryId, round, attempt.Error);
            AxmeMetrics.DeadLettered(d.Job.Kind);
            await FinishAsync(recorded, DeliveryStatus.DeadLettered, round);
        }
        else
        {
            var next = time.GetUtcNow() + RetrySchedule.Delay(round, O.RetryBaseDelay, O.RetryMaxDelay, Random.Shared.NextDouble());
            state.State.Delivery = recorded with { NextAttemptAt = next };
            await state.WriteStateAsync();
            Schedule(next);
        }
    }

    private static (DeliveryAttempt? Attempt, int Max, bool Held) With((DeliveryAttempt? Attempt, int Max) a) => (a.Attempt, a.Max, false);

    /// <summary>
    /// Tells the owner of the delivery first, then records the end: a crash in between leaves the delivery
    /// pending, and its next attempt finds nothing left to do (the intent is past SUBMITTED). Notifications
    /// have no owner to tell: their intent is only what they are about, so it never changes.
    /// </summary>
    private async Task FinishAsync(DeliveryRecord d, string status, int? attempts)
    {
        var job = d.Job;
        if (DeliveryKinds.IsAgent(job.Kind) && job.IntentId is { } intentId && attempts is { } n)
        {
            var intent = GrainFactory.GetGrain<IIntentGrain>(intentId);
            if (status == DeliveryStatus.Delivered) await intent.DeliverySucceededAsync(n);
            else await intent.DeliveryDeadLetteredAsync(n, d.Attempts[^1].Error ?? "failed");
        }
        else if (job.Kind == DeliveryKinds.Subscription && job.EventId is { } eventId)
        {
            await GrainFactory.GetGrain<IWebhookEventGrain>(eventId).DeliveryFinishedAsync(d.DeliveryId, status);
        }
        state.State.Delivery = d with { Status = status, NextAttemptAt = null, UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        if (!DeliveryKinds.IsAgent(job.Kind) && await this.GetReminder(KeepAliveReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} succeeded on attempt {Attempt}")]
    private partial void LogDelivered(string deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} dead-lettered after attempt {Attempt}: {Error}")]
    private partial void LogDeadLettered(string deliveryId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {DeliveryId} skipped: {Reason}")]
    private partial void LogSkipped(string deliveryId, string reason);
}
