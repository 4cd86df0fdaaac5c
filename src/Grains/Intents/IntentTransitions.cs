using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Intents;

/// <summary>The outcome of a pure transition: the new record and the events to append, or a reason nothing was applied.</summary>
public sealed record Transition(IntentRecord Intent, IReadOnlyList<IntentEvent> Events, string? NotAppliedReason = null)
{
    public bool Applied => NotAppliedReason is null;
}

/// <summary>
/// The intent lifecycle state machine (PROTOCOL §5.1.3) as pure functions: given the current record,
/// a command and the time, return the new record and its events. No I/O; the grain persists the result.
/// </summary>
public static partial class IntentTransitions
{
    public const string StalePolicyGeneration = "stale_policy_generation";
    public const string NotWaiting = "intent_not_waiting";


    /// <summary>The baseline table plus the extensions the clients need: any non-terminal → TIMED_OUT, WAITING → WAITING.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [IntentStatus.Created] = [IntentStatus.Submitted, IntentStatus.TimedOut],
        [IntentStatus.Submitted] = [IntentStatus.Delivered, IntentStatus.InProgress, IntentStatus.Waiting, IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        [IntentStatus.Delivered] = [IntentStatus.Acknowledged, IntentStatus.InProgress, IntentStatus.Waiting, IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        [IntentStatus.Acknowledged] = [IntentStatus.InProgress, IntentStatus.Waiting, IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        [IntentStatus.InProgress] = [IntentStatus.Waiting, IntentStatus.Completed, IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        [IntentStatus.Waiting] = [IntentStatus.Waiting, IntentStatus.InProgress, IntentStatus.Failed, IntentStatus.Canceled, IntentStatus.TimedOut],
        [IntentStatus.Completed] = [],
        [IntentStatus.Failed] = [],
        [IntentStatus.Canceled] = [],
        [IntentStatus.TimedOut] = [],
    };

    public static bool IsAllowed(string from, string to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>POST /v1/intents: created → submitted, then waiting for a human when the intent carries a human task.</summary>
    public static Transition Create(Guid intentId, CreateIntentCommand c, DateTimeOffset now)
    {
        var step = c.RuntimeType is null ? null : Steps.RuntimeSteps.Normalize(c.RuntimeType, c.RuntimeConfigJson);
        var humanTask = c.RuntimeType == Steps.RuntimeSteps.HumanApproval ? Steps.RuntimeSteps.HumanTask(step!) : c.HumanTaskJson;
        var intent = new IntentRecord
        {
            IntentId = intentId,
            OrgId = c.Caller.OrgId,
            WorkspaceId = c.Caller.WorkspaceId,
            IntentType = c.IntentType,
            CorrelationId = c.CorrelationId,
            FromAgent = c.FromAgent,
            ToAgent = c.ToAgent,
            ReplyTo = c.ReplyTo,
            PayloadJson = c.PayloadJson,
            Status = IntentStatus.Created,
            CreatedAt = now,
            UpdatedAt = now,
            DeadlineAt = c.DeadlineAt,
            RemindAfterSeconds = c.RemindAfterSeconds,
            RemindIntervalSeconds = c.RemindIntervalSeconds,
            MaxReminders = c.MaxReminders,
            EscalateTo = c.EscalateTo,
            MaxDeliveryAttempts = c.MaxDeliveryAttempts,
            HumanTaskJson = humanTask is null ? null : Humans.HumanTasks.Normalize(humanTask, intentId),
            CreatedBy = c.Caller.ServiceAccountId,
            RuntimeType = c.RuntimeType,
            RuntimeConfigJson = step?.ToJsonString(),
            Workflow = c.Workflow,
            ParentIntentId = c.ParentIntentId,
            ParentStepId = c.ParentStepId,
            ViaAlias = c.ViaAlias,
            ReplayOfDeliveryId = c.ReplayOfDeliveryId,
            WakeAt = step is not null && Steps.RuntimeSteps.Waits(c.RuntimeType!) ? Steps.RuntimeSteps.WakeAt(c.RuntimeType!, step, now) : null,
        };
        if (c.RuntimeType == Steps.RuntimeSteps.Timeout)
        {
            var at = Steps.RuntimeSteps.TimeoutAt(step!, now);
            intent = intent with { DeadlineAt = intent.DeadlineAt is { } d && d < at ? d : at };
        }
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.Created, IntentStatus.Created, actor: c.Caller.AgentAddress);
        if (c.Workflow is { } workflow)
        {
            // A scenario's parent: it waits on its steps, one after the other (PROTOCOL §8.4).
            log.Append(IntentEventType.Submitted, IntentStatus.Submitted, actor: c.Caller.AgentAddress);
            EnterStep(log, workflow.CurrentStep ?? workflow.Steps[0], 1, now);
        }
        else if (c.RuntimeType is { } runtime && humanTask is null)
        {
            // A built-in step: no agent, the runtime holds it until its time (or its deadline, for timeout).
            log.Append(IntentEventType.Submitted, IntentStatus.Submitted, actor: c.Caller.AgentAddress);
            log.Append(IntentEventType.Waiting, IntentStatus.Waiting, WaitingReason.Time, new PendingWith("runtime", runtime, runtime), actor: "system",
                details: JsonText.Object(("runtime_type", runtime), ("wake_at", intent.WakeAt is { } w ? WireTime.Format(w) : null)));
        }
        else if (humanTask is null)
        {
            log.Append(IntentEventType.Submitted, IntentStatus.Submitted, actor: c.Caller.AgentAddress,
                pendingWith: new PendingWith("agent", c.ToAgent, c.ToAgent));
        }
        else
        {
            log.Append(IntentEventType.Submitted, IntentStatus.Submitted, actor: c.Caller.AgentAddress);
            var assignee = FirstAssignee(intent.HumanTaskJson!) ?? c.ToAgent;
            log.Append(IntentEventType.HumanTaskAssigned, IntentStatus.Waiting, WaitingReason.Human,
                new PendingWith("human", assignee, assignee), humanTaskJson: intent.HumanTaskJson);
        }
        return log.Result(log.Intent with { EffectiveDeadline = IntentDeadlines.Compute(log.Intent) });
    }

    /// <summary>POST …/resolve: a terminal transition, with intermediate events where the table requires them.</summary>
    public static Transition Resolve(IntentRecord intent, ResolveCommand c, DateTimeOffset now)
    {
        if (IsStale(intent, c.ExpectedPolicyGeneration)) return NotApplied(intent, StalePolicyGeneration);
        EnsureNotTerminal(intent);
        var log = new EventLog(intent, now);
        switch (c.Status)
        {
            case IntentStatus.Completed:
                var result = c.ResultJson ?? JsonText.EmptyObject;
                log.MoveThroughInProgress(c.Actor);
                log.Append(IntentEventType.Completed, IntentStatus.Completed, actor: c.Actor,
                    details: JsonText.Object(("result", JsonText.Raw(result))));
                log.Intent = log.Intent with { ResultJson = result };
                break;
            case IntentStatus.Failed:
                var error = c.ErrorJson ?? JsonText.Object(("code", "failed"), ("message", c.Reason ?? "failed by resolve"));
                log.Append(IntentEventType.Failed, IntentStatus.Failed, actor: c.Actor,
                    details: JsonText.Object(("error", JsonText.Raw(error)), ("reason", c.Reason)));
                log.Intent = log.Intent with { ErrorJson = error, Reason = c.Reason };
                break;
            case IntentStatus.Canceled:
                var reason = c.Reason ?? "canceled";
                log.Append(IntentEventType.Canceled, IntentStatus.Canceled, actor: c.Actor,
                    details: JsonText.Object(("reason", reason)));
                log.Intent = log.Intent with { Reason = reason };
                break;
            default:
                throw ProtocolException.Invalid("status", "status must be one of COMPLETED, FAILED, CANCELED");
        }
        return log.Result(log.Intent);
    }

    /// <summary>POST …/resume: continue a waiting intent, take a human's answer, or take a handler's result.</summary>
    public static Transition Resume(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        if (IsStale(intent, c.ExpectedPolicyGeneration)) return NotApplied(intent, StalePolicyGeneration);
        EnsureNotTerminal(intent);
        return c.Kind switch
        {
            ResumeKind.Control => ResumeControl(intent, c, now),
            ResumeKind.TaskResult => ResumeTask(intent, c, now),
            _ => ResumeHandler(intent, c, now),
        };
    }

    /// <summary>POST …/controls and …/policy: shallow merges, policy_generation + 1, deadline recomputed. No event.</summary>
    public static Transition Patch(IntentRecord intent, PatchCommand c, DateTimeOffset now)
    {
        if (IsStale(intent, c.ExpectedPolicyGeneration)) return NotApplied(intent, StalePolicyGeneration);
        EnsureNotTerminal(intent);
        var patched = intent with
        {
            ControlsJson = JsonText.Merge(intent.ControlsJson, c.ControlsPatchJson),
            EnvelopeJson = JsonText.Merge(intent.EnvelopeJson, c.EnvelopePatchJson),
            GrantsJson = JsonText.Merge(intent.GrantsJson, c.GrantsPatchJson),
            PolicyGeneration = intent.PolicyGeneration + 1,
            UpdatedAt = now,
        };
        DateTimeOffset? deadline;
        try
        {
            deadline = IntentDeadlines.Compute(patched);
        }
        catch (FormatException e)
        {
            throw ProtocolException.Invalid(c.ControlsPatchJson is null ? "envelope_patch" : "controls_patch", e.Message);
        }
        return new Transition(patched with { EffectiveDeadline = deadline }, []);
    }

    private static Transition ResumeControl(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        if (intent.Status != IntentStatus.Waiting) return NotApplied(intent, NotWaiting);
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: c.Actor,
            details: JsonText.Object(("reason", c.Reason)));
        return log.Result(log.Intent);
    }

    /// <summary>An approval decision (PROTOCOL §7.5): the task's first accept or decline outcome, as a task_result.</summary>
    public static Transition DecideApproval(IntentRecord intent, bool approve, string? comment, string actor, DateTimeOffset now)
    {
        var task = WaitingTask(intent);
        return Resume(intent, new ResumeCommand
        {
            Kind = ResumeKind.TaskResult,
            BodyJson = JsonText.Object(("outcome", Humans.HumanTasks.DecisionOutcome(task, approve)), ("comment", comment)),
            Actor = actor,
        }, now);
    }

    /// <summary>
    /// The human task an answer is for; refuses one that is not waiting: early (a live workflow whose human step is
    /// still ahead: 409 human_step_not_reached, so the caller knows to answer later) or late (409 not_waiting_for_human).
    /// </summary>
    private static string WaitingTask(IntentRecord intent)
    {
        if (intent is { Status: IntentStatus.Waiting, WaitingReason: WaitingReason.Human, HumanTaskJson: { } task }) return task;
        var ahead = !intent.IsTerminal && intent.Workflow is { } run && JsonText.Parse(run.ResultsJson) is var done
            && run.Steps.Any(s => s.Kind == WorkflowStepKinds.Human && done[s.StepId] is null);
        throw ahead
            ? ProtocolException.Conflict("human_step_not_reached", "the workflow has not reached its human step yet; answer it after intent.human_task_assigned")
            : ProtocolException.Conflict("not_waiting_for_human", "intent is not waiting for a human");
    }

    private static Transition ResumeTask(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        var task = WaitingTask(intent);
        var taskResult = Humans.HumanTasks.Check(task, c.BodyJson ?? JsonText.EmptyObject);
        var parsed = JsonText.Parse(taskResult);
        var outcome = parsed["outcome"]!.GetValue<string>();
        var comment = (parsed["comment"] as JsonValue)?.TryGetValue<string>(out var cm) == true ? cm : null;

        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: c.Actor,
            details: JsonText.Object(("task_result", JsonText.Raw(taskResult))));
        var declined = Humans.HumanTasks.Declines(task, outcome);
        if (intent.Workflow is { CurrentStep: { Kind: Interfaces.Workflows.WorkflowStepKinds.Human } humanStep })
        {
            // A workflow's human step: the answer is the step's result; the workflow goes on (or fails, declined).
            var stepResult = JsonText.Object(("outcome", outcome), ("task_result", JsonText.Raw(taskResult)));
            var stepError = declined ? JsonText.Object(("code", "step_rejected"), ("step_id", humanStep.StepId), ("outcome", outcome),
                ("message", comment ?? $"step {humanStep.StepId}: {outcome}")) : null;
            log.Intent = log.Intent with { AnsweredBy = c.Actor };
            AdvanceWorkflow(log, humanStep, ok: !declined, declined ? null : stepResult, stepError, now);
            return log.Result(log.Intent);
        }
        if (declined)
        {
            var reason = comment ?? $"human task {outcome}";
            log.Append(IntentEventType.Canceled, IntentStatus.Canceled, actor: c.Actor,
                details: JsonText.Object(("reason", reason), ("outcome", outcome)));
            return log.Result(log.Intent with { Reason = reason, AnsweredBy = c.Actor });
        }
        var result = JsonText.Object(("outcome", outcome), ("task_result", JsonText.Raw(taskResult)));
        log.Append(IntentEventType.Completed, IntentStatus.Completed, actor: c.Actor,
            details: JsonText.Object(("result", JsonText.Raw(result))));
        return log.Result(log.Intent with { ResultJson = result, AnsweredBy = c.Actor });
    }

    private static Transition ResumeHandler(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        var body = JsonText.Parse(c.BodyJson);
        var action = (body["action"] as JsonValue)?.TryGetValue<string>(out var a) == true ? a : null;
        var outcome = (body["outcome"] as JsonValue)?.TryGetValue<string>(out var o) == true ? o : null;
        var failed = action == "fail" || outcome is "failed" or "failure" or "error";
        var log = new EventLog(intent, now);
        if (failed)
        {
            log.Append(IntentEventType.Failed, IntentStatus.Failed, actor: c.Actor,
                details: JsonText.Object(("error", JsonText.Raw(c.BodyJson))));
            return log.Result(log.Intent with { ErrorJson = c.BodyJson });
        }
        // {"outcome": "success", "result": {...}} carries its result in "result"; any other body is the result.
        var onlyWrapper = body["result"] is JsonObject && body.All(p => p.Key is "result" or "outcome" or "action");
        var result = onlyWrapper ? body["result"]!.ToJsonString() : c.BodyJson ?? JsonText.EmptyObject;
        log.MoveThroughInProgress(c.Actor);
        log.Append(IntentEventType.Completed, IntentStatus.Completed, actor: c.Actor,
            details: JsonText.Object(("result", JsonText.Raw(result))));
        return log.Result(log.Intent with { ResultJson = result });
    }

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsStale(IntentRecord intent, int? expected) =>
        expected is { } e && e != intent.PolicyGeneration;

    private static Transition NotApplied(IntentRecord intent, string reason) => new(intent, [], reason);

    private static void EnsureNotTerminal(IntentRecord intent)
    {
        if (intent.IsTerminal)
            throw ProtocolException.Conflict("intent_already_terminal", $"intent is already {intent.Status}");
    }

    private static string? FirstAssignee(string humanTaskJson) =>
        JsonText.Parse(humanTaskJson)["assignees"] is JsonArray { Count: > 0 } a && a[0] is JsonValue v
            && v.TryGetValue<string>(out var s) ? s : null;
}
