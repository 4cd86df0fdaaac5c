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
/// One intent. Loads its state, asks <see cref="IntentTransitions"/> what to do, writes the new record
/// and events in one storage write, then publishes the events to observers. Not reentrant: calls on one
/// intent run one at a time, which is what makes idempotency and compare-and-set race-free. Its create is in
/// IntentGrain.Create.cs, its timer in IntentGrain.Timers.cs, its workflow hand-offs in IntentGrain.Handoffs.cs, what a commit causes in IntentGrain.Effects.cs,
/// telling people in IntentGrain.Notifications.cs.
/// </summary>
public sealed partial class IntentGrain(
    [PersistentState(AxmeNames.IntentState, AxmeNames.IntentStorage)] IPersistentState<IntentState> state,
    TimeProvider time,
    IOptions<IntentOptions> options,
    LifecycleSubscribers lifecycleSubscribers,
    Schemas.SemanticSchemaCache schemas,
    Accounts.AliasDirectory aliases,
    IServiceProvider services,
    Notifications.NotificationChannels channels,
    NewIntents newIntents,
    JointCommits joints,
    Interfaces.Tenancy.QuotaGate quotas,
    ILogger<IntentGrain> logger) : Grain, IIntentGrain, IRemindable, IIncomingGrainCallFilter
{
    /// <summary>
    /// The intent's one durable timer (docs/adr/016): registered only while it has something due (a deadline, a
    /// reminder, a wake-up, a retry) or a reply_to completion to retry, changed only when that time changes.
    /// </summary>
    private const string TimerReminder = "deadline";
    private readonly ObserverManager<IIntentObserver> _observers = new(TimeSpan.FromMinutes(5), logger);

    private IntentState S => state.State;
    private IGrainReminder? _timer;

    public Task<IntentRecord> GetAsync(Caller caller) => Task.FromResult(Visible(caller));

    public Task<IntentWriteResult> ResolveAsync(Caller caller, ResolveCommand command, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Resolve(intent, command with { Actor = ActorOf(caller, command.Actor) }, time.GetUtcNow()));

    public async Task<IntentWriteResult> ResumeAsync(Caller caller, ResumeCommand command, IdempotencyToken? idempotency) =>
        await WriteAsync(caller, idempotency, intent => IntentTransitions.Resume(intent, command with { Actor = ActorOf(caller, command.Actor) }, time.GetUtcNow()),
            command.Kind == ResumeKind.TaskResult ? await TaskAnswerAsync(caller) : null);

    public Task<IntentWriteResult> PatchAsync(Caller caller, PatchCommand command, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Patch(intent, command with { Actor = ActorOf(caller, command.Actor) }, time.GetUtcNow()));

    public async Task<IntentRecord> MarkDeliveredAsync(Caller caller, bool deferWrite)
    {
        var transition = IntentTransitions.Deliver(Visible(caller), time.GetUtcNow());
        // Written with the intent's next write when one comes soon (the agent's answer), else by a timer (docs/adr/031).
        if (transition.Applied && !(deferWrite && Defer(transition))) await CommitAsync(transition);
        return S.Intent!;
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

    public async Task<IntentWriteResult> DecideApprovalAsync(Caller caller, bool approve, string? comment, IdempotencyToken? idempotency) =>
        await WriteAsync(caller, idempotency, intent => IntentTransitions.DecideApproval(intent, approve, comment, caller.AgentAddress, time.GetUtcNow()),
            await TaskAnswerAsync(caller));

    /// <summary>
    /// Who may answer the human task (TaskAccess): for a human user's key its e-mail, roles and teams are read
    /// from its account now, so a role granted or withdrawn counts at once.
    /// </summary>
    private async Task<TaskAnswer> TaskAnswerAsync(Caller caller) =>
        new(caller.IsHuman ? HumanIdentity.Of(await GrainFactory.GetGrain<IServiceAccountGrain>(caller.ServiceAccountId).GetAsync()) : null);

    /// <summary>A write that answers the human task, by the given human user (null for other keys).</summary>
    private sealed record TaskAnswer(HumanIdentity? Human);

    public Task<IntentWriteResult> ProgressAsync(Caller caller, string progressJson, IdempotencyToken? idempotency) =>
        WriteAsync(caller, idempotency, intent => IntentTransitions.Progress(intent, caller.AgentAddress, progressJson, time.GetUtcNow()));

    public Task<IntentRecord> DeliverySucceededAsync(int attempts) =>
        ApplySystemAsync(intent => IntentTransitions.Deliver(intent, time.GetUtcNow(), attempts));

    public Task<IntentRecord> DeliveryDeadLetteredAsync(int attempts, string lastError) =>
        ApplySystemAsync(intent => IntentTransitions.DeadLetter(intent, attempts, lastError, time.GetUtcNow()));

    public Task CheckDeadlineAsync() => TickAsync();

    /// <summary>A transition the runtime itself decided (no caller, no idempotency key): written only when it applies.</summary>
    /// <param name="decide">The transition, from the intent as it is.</param>
    /// <param name="joint">A joint the write takes part in (a step intent's end: docs/adr/038).</param>
    private async Task<IntentRecord> ApplySystemAsync(Func<IntentRecord, Transition> decide, JointCommits.Joint? joint = null)
    {
        var transition = decide(Visible(Caller.System));
        if (transition.Applied) await CommitAsync(transition, joint);
        return S.Intent!;
    }

    /// <summary>
    /// Checks access (TaskAccess for a task's answer, else IntentAccess), replays an idempotent request, or
    /// applies the transition. A refusal writes nothing.
    /// </summary>
    private async Task<IntentWriteResult> WriteAsync(Caller caller, IdempotencyToken? idempotency, Func<IntentRecord, Transition> decide,
        TaskAnswer? answer = null)
    {
        var intent = Visible(caller);
        if (answer is not null && !TaskAccess.CanAnswer(caller, answer.Human, intent))
            throw TaskAccess.NotAnAssignee(intent);
        if (answer is null && !IntentAccess.CanChange(caller, intent))
            throw new ProtocolException(403, "not_handler_or_sender", "only the intent's handler, its sender or an admin may change it");
        if (idempotency is not null && S.Idempotency.Find(e => e.Scope == idempotency.Scope && e.Key == idempotency.Key) is { } seen)
        {
            if (seen.RequestHash != idempotency.RequestHash)
                throw ProtocolException.Conflict("idempotency_conflict", "idempotency key reused with different payload");
            return seen.Result;
        }
        var transition = Stamped(decide(intent), caller);
        IntentLimits.Check(options.Value, S, transition, idempotency is not null, time.GetUtcNow());
        var result = new IntentWriteResult
        {
            Applied = transition.Applied,
            Reason = transition.NotAppliedReason,
            Intent = transition.Intent,
            Event = transition.Events.Count > 0 ? transition.Events[^1] : null,
            PolicyGeneration = transition.Intent.PolicyGeneration,
            // What the answer will say unless the delivery right after the write fails; a replay then still
            // says delivered, which the reply_to reminder makes true shortly.
            CompletionDelivered = IntentEffects.Completes(S.Intent, transition.Intent),
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
        if (!await CommitAsync(transition) && result.CompletionDelivered)
            result = result with { CompletionDelivered = false };
        return result;
    }

    /// <summary>
    /// One storage write for the record and its events, with the effects <see cref="IntentEffects.Of"/> decided for it,
    /// run in its order: observers hear of the events only after the write succeeded. Returns whether a completion was
    /// handed over (reply_to inbox, workflow parent) by this commit.
    /// </summary>
    /// <param name="transition">What to write.</param>
    /// <param name="joining">A joint this write is written in: the (parent's) write that takes a step intent's end held
    /// in it, or a step intent's create that joins its parent's write that entered the step.</param>
    private async Task<bool> CommitAsync(Transition transition, JointCommits.Joint? joining = null)
    {
        var effects = IntentEffects.Of(S.Intent, S.ReminderDueAt, transition, time.GetUtcNow(), options.Value.DeadlineReminderPeriod);
        if (effects.SetTimer is { } dueIn) await SetTimerAsync(dueIn);
        S.ReminderDueAt = effects.TimerDue;
        S.Intent = transition.Intent;
        S.Events.AddRange(transition.Events);
        // A step intent's end goes in one transaction with its parent's step that takes it (docs/adr/038), and a step
        // intent made up by this write is created in one transaction with it (docs/adr/039).
        var ends = effects.DeliverCompletion && transition.Intent is { ParentIntentId: not null, ReplyTo: null };
        var starts = effects is { StartStep: true, StepIsNew: true };
        using var joint = joining is null && (ends || starts) ? joints.Open() : null;
        bool? handedOver = null, started = null;
        try
        {
            Task write;
            using (JointCommits.Enter(joining ?? joint)) write = state.WriteStateAsync();
            if (joint is not null)
            {
                if (ends) handedOver = await HandOverJointlyAsync(joint);
                else started = await StartStepJointlyAsync(joint);
            }
            await write;
        }
        catch
        {
            // The in-memory copy is ahead of storage now; drop the activation so the next call re-reads.
            DropActivation();
            throw;
        }
        // Events applied earlier without a write of their own were written by this one: published first, in order.
        var published = TakeUnwritten() is { Count: > 0 } earlier ? [.. earlier, .. effects.Events] : effects.Events;
        if (effects.Finished)
        {
            AxmeMetrics.IntentFinished(transition.Intent);
            // Nothing happens to a finished intent by itself: it goes once this call is done, and its listeners with
            // the terminal event they are sent below (each ends its stream there, without unsubscribing: docs/adr/034).
            // Its state then dies young instead of being copied into the GC's older generations (ADR 016 §5).
            DeactivateOnIdle();
        }
        // Durable from here on. What follows are effects of a committed write: none may fail the request that caused it
        // (its caller would retry work that was done), so each is logged and left to what repairs it: listeners read
        // the rows again on their next window, a timer not dropped finds nothing due, a step intent not started is
        // started by the hand-off sweep, a completion not handed over is retried (DeliverCompletionAsync).
        await AfterCommitAsync("publish", () => PublishAsync(transition.Intent, published));
        if (effects.DropTimer) await AfterCommitAsync("drop the timer", UnregisterTimerAsync);
        // A step intent not created with this write is started once this call is done: the request that entered the step
        // (a step's end taken jointly, a retry) is answered once the parent is durable, not after the step's own write too.
        if (effects.StartStep && started is null) _ = StartStepAfterThisCallAsync(effects.StepIsNew);
        return effects.DeliverCompletion && (handedOver ?? await DeliverCompletionAsync());
    }

    /// <summary>A person acting by a token someone else minted: the events they cause name that minter too (ADR 017 §6).</summary>
    private static Transition Stamped(Transition transition, Caller caller) =>
        caller.ActorTokenIssuer is not { } issuer ? transition
            : transition with { Events = [.. transition.Events.Select(e => e.Actor == caller.AgentAddress ? e with { ActorTokenIssuer = issuer } : e)] };

    /// <summary>
    /// The events' actor is the authenticated caller, never a name from the body, admins included (ADR 017): an admin
    /// answering for a person does it with that person's actor token, so the event names the person. Only the runtime
    /// itself names one, for a claim it verified (a magic link's assignee); it never comes from a request.
    /// </summary>
    private static string ActorOf(Caller caller, string? claimed) => caller == Caller.System ? claimed ?? caller.AgentAddress : caller.AgentAddress;

    private IntentRecord Visible(Caller caller)
    {
        if (S.Intent is not { } intent) throw ProtocolException.NotFound("intent", this.GetPrimaryKey().ToString());
        if (!IntentAccess.CanRead(caller, intent))
            throw ProtocolException.Forbidden("intent belongs to another workspace");
        return intent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Intent {IntentId} timed out")]
    private partial void LogTimedOut(Guid intentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Completion of intent {IntentId} not yet delivered to {ReplyTo}; the reminder retries")]
    private partial void LogCompletionNotDelivered(Exception e, Guid intentId, string replyTo);
}
