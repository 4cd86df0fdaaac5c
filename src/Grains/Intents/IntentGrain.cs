using Axme.Grains.Common;
using Axme.Grains.Delivery;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace Axme.Grains.Intents;

/// <summary>
/// One intent. Loads its state, asks <see cref="IntentTransitions"/> what to do, writes the new record
/// and events in one storage write, then publishes the events to observers. Not reentrant: calls on one
/// intent run one at a time, which is what makes idempotency and compare-and-set race-free.
/// </summary>
public sealed partial class IntentGrain(
    [PersistentState(AxmeNames.IntentState, AxmeNames.Storage)] IPersistentState<IntentState> state,
    TimeProvider time,
    IOptions<IntentOptions> options,
    LifecycleSubscribers lifecycleSubscribers,
    ILogger<IntentGrain> logger) : Grain, IIntentGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";
    private readonly ObserverManager<IIntentObserver> _observers = new(TimeSpan.FromMinutes(5), logger);

    private IntentState S => state.State;

    public async Task<CreateIntentResult> CreateAsync(CreateIntentCommand command)
    {
        if (S.Intent is { } existing)
        {
            // The id was derived from the Idempotency-Key: same body is a replay, another body a conflict.
            if (S.CreateRequestHash == command.RequestHash && existing.CreatedBy == command.Caller.ServiceAccountId)
                return new CreateIntentResult(existing, Replayed: true, S.CreatedStatus ?? existing.Status);
            throw ProtocolException.Conflict("idempotency_conflict", "idempotency key reused with different payload");
        }
        var transition = IntentTransitions.Create(this.GetPrimaryKey(), command, time.GetUtcNow());
        S.CreateRequestHash = command.RequestHash;
        S.CreatedStatus = transition.Intent.Status;
        await CommitAsync(transition);
        AxmeMetrics.IntentCreated(transition.Intent);
        if (transition.Intent.Status == IntentStatus.Submitted)
        {
            // A wake-up only: the delivery itself is durable in the intent (and its view row), so a lost
            // notification delays nothing beyond the listener's next window.
            await GrainFactory.GetGrain<IAgentGrain>(transition.Intent.ToAgent).NotifyDeliverableAsync(transition.Intent.IntentId);
        }
        return new CreateIntentResult(S.Intent!, Replayed: false, S.CreatedStatus);
    }

    public Task<IntentRecord> GetAsync(Caller caller) => Task.FromResult(Visible(caller));

    public Task<IReadOnlyList<IntentEvent>> GetEventsAsync(Caller caller, int since)
    {
        Visible(caller);
        return Task.FromResult(EventsAfter(since));
    }

    public Task<IntentWriteResult> ResolveAsync(Caller caller, ResolveCommand command, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Resolve(intent, command with { Actor = command.Actor ?? caller.AgentAddress }, time.GetUtcNow()));

    public Task<IntentWriteResult> ResumeAsync(Caller caller, ResumeCommand command, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Resume(intent, command with { Actor = command.Actor ?? caller.AgentAddress }, time.GetUtcNow()));

    public Task<IntentWriteResult> PatchAsync(Caller caller, PatchCommand command, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Patch(intent, command, time.GetUtcNow()));

    public Task<IReadOnlyList<IntentEvent>> SubscribeAsync(Caller caller, IIntentObserver observer, int since)
    {
        Visible(caller);
        _observers.Subscribe(observer, observer);
        return Task.FromResult(EventsAfter(since));
    }

    public Task UnsubscribeAsync(IIntentObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<IntentRecord> MarkDeliveredAsync(Caller caller)
    {
        Visible(caller);
        return await ApplySystemAsync(intent => IntentTransitions.Deliver(intent, time.GetUtcNow()));
    }

    public async Task<IntentRecord?> LeaseAsync(Caller caller, TimeSpan lease, int maxAttempts)
    {
        var transition = IntentTransitions.Lease(Visible(caller), time.GetUtcNow(), lease, maxAttempts);
        if (!transition.Applied) return null;
        await CommitAsync(transition);
        return transition.Intent.IsTerminal ? null : transition.Intent;
    }

    public Task<IntentWriteResult> AcknowledgeAsync(Caller caller, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Acknowledge(intent, caller.AgentAddress, time.GetUtcNow()));

    public Task<IntentRecord> WebhookDeliveredAsync(int attempts) =>
        ApplySystemAsync(intent => IntentTransitions.Deliver(intent, time.GetUtcNow(), attempts));

    public Task<IntentRecord> WebhookDeadLetteredAsync(int attempts, string lastError) =>
        ApplySystemAsync(intent => IntentTransitions.DeadLetter(intent, attempts, lastError, time.GetUtcNow()));

    public Task CheckDeadlineAsync() => TimeOutIfDueAsync();

    /// <summary>A transition the runtime itself decided (no caller, no idempotency key): written only when it applies.</summary>
    private async Task<IntentRecord> ApplySystemAsync(Func<IntentRecord, Transition> decide)
    {
        var transition = decide(Visible(Caller.System));
        if (transition.Applied) await CommitAsync(transition);
        return S.Intent!;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != DeadlineReminder) return;
        await TimeOutIfDueAsync();
    }

    private async Task TimeOutIfDueAsync()
    {
        if (S.Intent is not { } intent) return;
        var transition = IntentTransitions.TimeOut(intent, time.GetUtcNow());
        if (transition.Applied)
        {
            LogTimedOut(intent.IntentId);
            await CommitAsync(transition);
        }
        else if (intent.IsTerminal || intent.EffectiveDeadline is null)
        {
            await UnregisterDeadlineReminderAsync(); // a leftover tick: nothing is due any more
        }
    }

    private async Task<IntentWriteResult> WriteAsync(Caller caller, IdempotencyToken? idempotency, Func<IntentRecord, Transition> decide)
    {
        var intent = Visible(caller);
        if (!IntentAccess.CanChange(caller, intent))
            throw new ProtocolException(403, "not_handler_or_sender", "only the intent's handler, its sender or an admin may change it");
        if (idempotency is not null && S.Idempotency.Find(e => e.Scope == idempotency.Scope && e.Key == idempotency.Key) is { } seen)
        {
            if (seen.RequestHash != idempotency.RequestHash)
                throw ProtocolException.Conflict("idempotency_conflict", "idempotency key reused with different payload");
            return seen.Result;
        }
        var transition = decide(intent);
        var result = new IntentWriteResult
        {
            Applied = transition.Applied,
            Reason = transition.NotAppliedReason,
            Intent = transition.Intent,
            Event = transition.Events.Count > 0 ? transition.Events[^1] : null,
            PolicyGeneration = transition.Intent.PolicyGeneration,
        };
        if (idempotency is not null)
        {
            var now = time.GetUtcNow();
            S.Idempotency.RemoveAll(e => now - e.CreatedAt > options.Value.IdempotencyRetention);
            S.Idempotency.Add(new IdempotencyEntry
            {
                Scope = idempotency.Scope, Key = idempotency.Key, RequestHash = idempotency.RequestHash,
                CreatedAt = now, Result = result,
            });
        }
        else if (!transition.Applied)
        {
            return result; // nothing changed and nothing to remember: no write
        }
        await CommitAsync(transition);
        return result;
    }

    /// <summary>One storage write for the record and its events; observers hear of them only after it succeeded.</summary>
    private async Task CommitAsync(Transition transition)
    {
        var wasTerminal = S.Intent?.IsTerminal ?? false;
        var due = transition.Intent is { IsTerminal: false, EffectiveDeadline: { } d } ? d : (DateTimeOffset?)null;
        // Register a new deadline before the write: a reminder without its state is harmless (it finds
        // nothing to do), a state without its reminder would never time out.
        if (due is { } dueAt && due != S.ReminderDueAt)
        {
            var delay = dueAt - time.GetUtcNow();
            await this.RegisterOrUpdateReminder(DeadlineReminder, delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
                options.Value.DeadlineReminderPeriod);
        }
        var unregister = due is null && S.ReminderDueAt is not null;
        S.ReminderDueAt = due;
        S.Intent = transition.Intent;
        S.Events.AddRange(transition.Events);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory copy is ahead of storage now; drop the activation so the next call re-reads.
            DeactivateOnIdle();
            throw;
        }
        if (!wasTerminal && transition.Intent.IsTerminal) AxmeMetrics.IntentFinished(transition.Intent);
        foreach (var e in transition.Events)
            await _observers.Notify(o => o.OnEventAsync(e)); // one-way calls: a slow or gone listener never blocks the intent
        // Webhook subscribers to lifecycle events hear of them one-way, after the commit: best effort across a
        // crash at this point, unlike intent deliveries (docs/adr/007).
        if (transition.Events.Count > 0 && await lifecycleSubscribers.WantedAsync(transition.Intent.OrgId, transition.Intent.WorkspaceId))
            await GrainFactory.GetGrain<IWebhookDirectoryGrain>(IWebhookDirectoryGrain.KeyFor(transition.Intent.OrgId, transition.Intent.WorkspaceId))
                .PublishIntentEventsAsync(transition.Intent, transition.Events);
        if (unregister) await UnregisterDeadlineReminderAsync();
    }

    private async Task UnregisterDeadlineReminderAsync()
    {
        if (await this.GetReminder(DeadlineReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private IntentRecord Visible(Caller caller)
    {
        if (S.Intent is not { } intent) throw ProtocolException.NotFound("intent", this.GetPrimaryKey().ToString());
        if (!IntentAccess.CanRead(caller, intent))
            throw ProtocolException.Forbidden("intent belongs to another workspace");
        return intent;
    }

    private IReadOnlyList<IntentEvent> EventsAfter(int since) =>
        since <= 0 ? S.Events.ToArray() : S.Events.Where(e => e.Seq > since).ToArray();

    [LoggerMessage(Level = LogLevel.Information, Message = "Intent {IntentId} timed out")]
    private partial void LogTimedOut(Guid intentId);
}
