using Axme.Grains.Common;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// The create: a new intent from its command (its checks before anything is written), or, for an id already stored
/// (derived from an Idempotency-Key), the replay or the conflict. An activation that skipped its storage read on its
/// creator's word (<see cref="NewIntents"/>) is covered here too: it reads after all when that word was wrong.
/// </summary>
public sealed partial class IntentGrain
{
    /// <summary>
    /// An activation that skipped its storage read (<see cref="NewIntents"/>: its creator said the id is new) reads after
    /// all unless its first call is that create.
    /// </summary>
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext call) =>
        S.Unread && call.InterfaceMethod.Name is not (nameof(CreateAsync) or nameof(CreateJointlyAsync)) ? ReadThenInvokeAsync(call) : call.Invoke();

    private async Task ReadThenInvokeAsync(IIncomingGrainCallContext call)
    {
        await state.ReadStateAsync();
        await call.Invoke();
    }

    public Task<CreateIntentResult> CreateAsync(CreateIntentCommand command) => CreateAsync(command, joint: null);

    public async Task<CreateIntentResult?> CreateJointlyAsync(CreateIntentCommand command, Guid joint) =>
        joints.Find(joint) is { } open ? await CreateAsync(command, open) : null;

    /// <param name="command">What to create.</param>
    /// <param name="joint">The joint of the workflow parent's write that entered this step intent's step: the create's
    /// write is in its transaction (docs/adr/039).</param>
    private async Task<CreateIntentResult> CreateAsync(CreateIntentCommand command, JointCommits.Joint? joint)
    {
        var timer = _timer;
        try
        {
            return await CreateOrReplayAsync(command, joint);
        }
        catch (Exception) when (S.Unread)
        {
            // Nothing was written (a write clears Unread). The hint may have been wrong: the id is stored after all (a
            // replayed Idempotency-Key, whose insert found the row; or a check refused what is a replay). Read, and answer
            // as the stored intent says; when there is none, the refusal stands.
            await state.ReadStateAsync();
            if (S.Intent is null) throw;
            // The failed create registered its timer before its write: back to the stored intent's due time. (With none
            // stored, the reminder's first tick finds nothing due and drops itself.)
            if (_timer != timer && S.ReminderDueAt is { } due && time.GetUtcNow() is var now) await SetTimerAsync(due > now ? due - now : TimeSpan.Zero);
            return await CreateOrReplayAsync(command);
        }
    }

    private async Task<CreateIntentResult> CreateOrReplayAsync(CreateIntentCommand command, JointCommits.Joint? joint = null)
    {
        if (S.Intent is { } existing)
        {
            // The id was derived from the Idempotency-Key: same body is a replay, another body a conflict.
            if (S.CreateRequestHash == command.RequestHash && existing.CreatedBy == command.Caller.ServiceAccountId)
            {
                // The first answer may have been lost after the write, before its wake-up: the replay wakes again.
                if (existing.Status == IntentStatus.Submitted) await WakeAgentAsync(existing);
                return new CreateIntentResult(existing, Replayed: true, S.CreatedStatus ?? existing.Status);
            }
            throw ProtocolException.Conflict("idempotency_conflict", "idempotency key reused with different payload");
        }
        // An intent to an alias goes to its principal (docs/adr/024): resolved once, here, so the intent, its listings
        // and its deliveries all name the principal.
        var target = await aliases.ResolveAsync(command.ToAgent);
        if (target != command.ToAgent) command = command with { ToAgent = target, ViaAlias = command.ToAgent };
        var transition = IntentTransitions.Create(this.GetPrimaryKey(), command, time.GetUtcNow());
        // Before anything is written: a payload its type's schema refuses creates nothing (§9.4, 422 schema_invalid).
        // Not a workflow's step intent: it shares the parent's type but carries the runtime's envelope
        // ({parent_payload, step_id, input}), and the parent's payload was checked when the scenario was applied.
        if (command.ParentIntentId is null)
            await schemas.CheckPayloadAsync(transition.Intent.OrgId, transition.Intent.WorkspaceId, transition.Intent.IntentType, transition.Intent.PayloadJson);
        var (org, ws) = (transition.Intent.OrgId, transition.Intent.WorkspaceId);
        var humanTask = transition.Intent.WaitingReason == WaitingReason.Human;
        // The workspace's quotas (docs/adr/029) refuse a submission, never a running workflow's step: a run admitted
        // whole is never stopped halfway. Its steps are counted all the same.
        if (command.ParentIntentId is null)
        {
            await quotas.CheckAsync(org, ws, Interfaces.Tenancy.QuotaDimensions.IntentsPerDay);
            if (humanTask) await quotas.CheckAsync(org, ws, Interfaces.Tenancy.QuotaDimensions.OpenHumanTasks);
        }
        // Into another workspace only as its receive policy lets in (ADR 017 §6): checked before anything is written.
        await ReceivePolicies.EnsureAllowedAsync(GrainFactory, command.Caller, transition.Intent.ToAgent, "to_agent");
        if (transition.Intent.ReplyTo is { } replyTo) await ReceivePolicies.EnsureAllowedAsync(GrainFactory, command.Caller, replyTo, "reply_to");
        S.CreateRequestHash = command.RequestHash;
        S.CreatedStatus = transition.Intent.Status;
        await CommitAsync(transition, joint);
        AxmeMetrics.IntentCreated(transition.Intent);
        quotas.Meter.Add(org, ws, Interfaces.Tenancy.QuotaDimensions.IntentsPerDay, 1);
        if (humanTask) quotas.Meter.Add(org, ws, Interfaces.Tenancy.QuotaDimensions.OpenHumanTasks, 1);
        if (transition.Intent.Status == IntentStatus.Submitted) await WakeAgentAsync(transition.Intent);
        return new CreateIntentResult(S.Intent!, Replayed: false, S.CreatedStatus);
    }
}
