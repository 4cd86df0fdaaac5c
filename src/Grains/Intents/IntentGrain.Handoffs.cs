using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Logging;

namespace Axme.Grains.Intents;

/// <summary>
/// Workflow hand-offs (ADR 013, ADR 016): a parent creates the step intent it entered, a step intent's end goes to its
/// parent (and a reply_to completion to its inbox); a hand-off a crash lost is repaired from the rows by the hand-off sweep.
/// </summary>
public sealed partial class IntentGrain
{
    public Task StepFinishedAsync(string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson) =>
        TakeStepEndAsync(stepId, stepIntentId, status, resultJson, errorJson);

    public async Task<bool> StepFinishedJointlyAsync(string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson, Guid joint)
    {
        if (joints.Find(joint) is not { } open) return false;
        await TakeStepEndAsync(stepId, stepIntentId, status, resultJson, errorJson, open);
        return true;
    }

    /// <summary>A step intent's end moves the workflow on (idempotent per step intent), written in <paramref name="joint"/> if given.</summary>
    private Task<IntentRecord> TakeStepEndAsync(string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson,
        JointCommits.Joint? joint = null) =>
        ApplySystemAsync(intent => IntentTransitions.StepFinished(intent, stepId, stepIntentId, status, resultJson, errorJson, time.GetUtcNow()), joint);

    /// <summary>
    /// Tells the workflow parent of this step intent's end while the write of that end is held in <paramref name="joint"/>:
    /// the parent's write joins it and both commit together (docs/adr/038). True: the parent took the end (or had nothing
    /// to write for it). Null: it did not (on another silo, or the call failed): the end goes to it the usual way once
    /// this intent's write is durable. The joint is sealed on the way out, so a write still held goes alone.
    /// </summary>
    private async Task<bool?> HandOverJointlyAsync(JointCommits.Joint joint)
    {
        var intent = S.Intent!;
        try
        {
            return await GrainFactory.GetGrain<IIntentGrain>(intent.ParentIntentId!.Value).StepFinishedJointlyAsync(intent.ParentStepId!,
                intent.IntentId, intent.Status, intent.ResultJson, intent.ErrorJson, joint.Id) ? true : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The parent's write failed (ours was in its transaction: it fails too, below) or the call did.
            LogNotTakenJointly(e, intent.IntentId, intent.ParentIntentId!.Value);
            return null;
        }
        finally
        {
            joint.Seal();
        }
    }

    /// <summary>
    /// Creates the step intent this commit's write entered while that write is held in <paramref name="joint"/>: the step
    /// intent's create joins it and both commit in one transaction, so the step's agent is woken one commit sooner
    /// (docs/adr/039). True: created (or it refused, which the hand-off sweep retries, as after a start that fails on its
    /// own). Null: not taken (the step intent is on another silo): started once this write is durable, the usual way.
    /// The joint is sealed on the way out, so a write still held goes alone.
    /// </summary>
    private async Task<bool?> StartStepJointlyAsync(JointCommits.Joint joint)
    {
        try
        {
            return await StartStepIntentAsync(enteredNow: true, joint: joint) ? true : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Its create refused before writing (ours then goes alone, below), or its write failed: so did ours, in the
            // same transaction, and the request that entered the step fails with it.
            LogStepNotCreatedJointly(e, this.GetPrimaryKey(), S.Intent?.Workflow?.ChildId);
            return true;
        }
        finally
        {
            joint.Seal();
        }
    }

    /// <summary>
    /// Starts the step intent in a turn of this activation's own, queued behind the current one (it runs when the call
    /// that committed next awaits or is done): the caller is not kept waiting for it, and the parent takes other calls
    /// while the step intent is created. (A one-way message to itself until 2026-12-06: one grain call per step more,
    /// for the same order.) What runs between its awaits cannot be interleaved; after the create it only marks the step
    /// started if the parent is still at that step. Not awaited by the caller.
    /// </summary>
    private async Task StartStepAfterThisCallAsync(bool enteredNow)
    {
        await Task.Yield(); // on this activation's scheduler: after the turn that entered the step
        try
        {
            await AfterCommitAsync("start the step intent", () => StartStepIntentAsync(enteredNow: enteredNow));
        }
        catch (OperationCanceledException)
        {
            // Nothing waits for this: a step intent not started is started by the hand-off sweep.
        }
    }

    /// <summary>
    /// Creates the current workflow step's intent if it is not known to exist yet. Idempotent (the step intent's id
    /// is named by parent, step and attempt, and its create replays), so nothing records that it ran: a crash in
    /// between is found by the hand-off sweep (the parent's waiting_child has no row) and repaired here with
    /// <paramref name="recover"/>, which also takes the step's end if the parent missed it. With <paramref name="joint"/>
    /// the create is written in the transaction of this intent's write held there (docs/adr/039); false when the step
    /// intent is not on this silo and so could not take part (nothing done).
    /// </summary>
    private async Task<bool> StartStepIntentAsync(bool recover = false, bool enteredNow = false, JointCommits.Joint? joint = null)
    {
        if (S.Intent is not { IsTerminal: false, Workflow: { ChildId: { } childId, CurrentStep: { } step } run } parent) return true;
        if (run.ChildStarted && !recover) return true;
        var payload = JsonText.Object(("parent_payload", JsonText.Raw(parent.PayloadJson)), ("parent_intent_id", parent.IntentId.ToString()),
            ("step_id", step.StepId), ("input", JsonText.Raw(step.InputJson)));
        var command = new CreateIntentCommand
        {
            // The step intent is sent in the parent sender's name, so it reads and finishes it like its own.
            Caller = new Caller
            {
                ServiceAccountId = parent.CreatedBy, KeyId = "workflow", OrgId = parent.OrgId, WorkspaceId = parent.WorkspaceId,
                AgentAddress = parent.FromAgent,
            },
            IntentType = parent.IntentType, CorrelationId = parent.CorrelationId, FromAgent = parent.FromAgent,
            ToAgent = step.Kind == Interfaces.Workflows.WorkflowStepKinds.Agent ? step.AssignedTo!
                : Interfaces.Accounts.AgentAddress.Canonical("runtime." + step.RuntimeType, Caller.System with { OrgId = parent.OrgId, WorkspaceId = parent.WorkspaceId }),
            PayloadJson = payload,
            DeadlineAt = step.DeadlineSeconds is { } d ? time.GetUtcNow().AddSeconds(d) : null,
            MaxDeliveryAttempts = parent.MaxDeliveryAttempts,
            RuntimeType = step.RuntimeType, RuntimeConfigJson = step.RuntimeConfigJson,
            ParentIntentId = parent.IntentId, ParentStepId = step.StepId,
            RequestHash = $"workflow-step:{parent.IntentId}:{step.StepId}:{run.Attempt}",
        };
        // Its id was made up by the write that entered the step (parent, step, attempt): nothing is stored under it yet.
        var created = joint is not null ? await newIntents.CreateAsync(GrainFactory, childId, intent => intent.CreateJointlyAsync(command, joint.Id))
            : enteredNow ? await newIntents.CreateAsync(GrainFactory, childId, command)
            : await GrainFactory.GetGrain<IIntentGrain>(childId).CreateAsync(command);
        if (created?.Intent is not { } child) return false;
        if (S.Intent?.Workflow is not { } current || current.ChildId != childId) return true;
        // In memory only: stored false, a later check creates it again, which replays. (Within a joint the parent's
        // write was taken before this: its row says false too.)
        S.Intent = S.Intent with { Workflow = current with { ChildStarted = true } };
        if (recover && child.IsTerminal)
            await TakeStepEndAsync(step.StepId, childId, child.Status, child.ResultJson, child.ErrorJson);
        return true;
    }

    /// <summary>
    /// Opens or updates the reply_to owner's thread (id = intent id) and tells a workflow parent; both idempotent, so a
    /// retry adds nothing twice. A reply_to completion's timer goes once it is delivered.
    /// </summary>
    private async Task<bool> DeliverCompletionAsync()
    {
        var intent = S.Intent!;
        try
        {
            if (intent.ReplyTo is not null)
                await GrainFactory.GetGrain<IInboxThreadGrain>(intent.IntentId)
                    .OpenAsync(intent, intent.ReplyTo, IntentEventType.ForStatus(intent.Status), null);
            // A workflow step intent tells its parent (idempotent there: a step intent counts once).
            if (intent.ParentIntentId is { } parent)
                await GrainFactory.GetGrain<IIntentGrain>(parent)
                    .StepFinishedAsync(intent.ParentStepId!, intent.IntentId, intent.Status, intent.ResultJson, intent.ErrorJson);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCompletionNotDelivered(e, intent.IntentId, intent.ReplyTo ?? intent.ParentIntentId?.ToString() ?? "");
            return false; // the timer (reply_to) or the hand-off sweep (a parent) tries again
        }
        if (intent.ReplyTo is not null) await UnregisterTimerAsync();
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Intent {IntentId}: its step intent {StepIntentId} was not created in one transaction with it; the hand-off sweep starts it if this intent's write commits")]
    private partial void LogStepNotCreatedJointly(Exception e, Guid intentId, Guid? stepIntentId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Intent {IntentId}: its parent {ParentId} did not take its end in one transaction with it; handed over after its own write, if that commits")]
    private partial void LogNotTakenJointly(Exception e, Guid intentId, Guid parentId);
}
