using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

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

    /// <summary>Handed to the agent's channel: SUBMITTED → DELIVERED (once); any other status is left alone.</summary>
    public static Transition Deliver(IntentRecord intent, DateTimeOffset now, int? attempts = null)
    {
        if (intent.Status != IntentStatus.Submitted) return NotApplied(intent, "not_submitted");
        // The handler is set before the event, so intent.delivered names it like the intent does.
        var log = new EventLog(intent with { Handler = intent.ToAgent }, now);
        log.Append(IntentEventType.Delivered, IntentStatus.Delivered, actor: "system",
            pendingWith: new PendingWith("agent", intent.ToAgent, intent.ToAgent),
            details: attempts is { } n ? JsonText.Object(("delivery_attempt", Number(n))) : null);
        return log.Result(log.Intent with { DeliveryAttempt = attempts ?? intent.DeliveryAttempt });
    }

    /// <summary>
    /// A pushed delivery (http, inbox, internal) was dead-lettered: FAILED with delivery_failed while the handler has not taken the
    /// intent up (SUBMITTED or DELIVERED); once it has (acknowledged, working, finished) it evidently got it.
    /// </summary>
    public static Transition DeadLetter(IntentRecord intent, int attempts, string lastError, DateTimeOffset now) =>
        intent.Status is IntentStatus.Submitted or IntentStatus.Delivered
            ? FailDelivery(new EventLog(intent, now), attempts, $"delivery failed after {attempts} attempts: {lastError}", now)
            : NotApplied(intent, "taken_up_by_handler");

    /// <summary>
    /// A poller takes the delivery: SUBMITTED/DELIVERED and not leased by another poller. Each lease is a
    /// delivery attempt; past the maximum the intent fails with delivery_failed instead.
    /// </summary>
    public static Transition Lease(IntentRecord intent, DateTimeOffset now, TimeSpan lease, int maxAttempts)
    {
        if (intent.Status is not (IntentStatus.Submitted or IntentStatus.Delivered)) return NotApplied(intent, "not_deliverable");
        if (intent.LeaseUntil is { } until && until > now) return NotApplied(intent, "leased");
        var attempt = intent.DeliveryAttempt + 1;
        var max = intent.MaxDeliveryAttempts ?? maxAttempts;
        var log = new EventLog(intent with { Handler = intent.ToAgent }, now);
        if (attempt > max) return FailDelivery(log, max, $"not acknowledged after {max} delivery attempts", now);
        if (intent.Status == IntentStatus.Submitted)
            log.Append(IntentEventType.Delivered, IntentStatus.Delivered, actor: "system",
                pendingWith: new PendingWith("agent", intent.ToAgent, intent.ToAgent),
                details: JsonText.Object(("delivery_attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return log.Result(log.Intent with { LeaseUntil = now + lease, DeliveryAttempt = attempt, Handler = intent.ToAgent, UpdatedAt = now });
    }

    /// <summary>The handler confirms receipt: DELIVERED → ACKNOWLEDGED; the delivery is no longer redelivered.</summary>
    public static Transition Acknowledge(IntentRecord intent, string? actor, DateTimeOffset now)
    {
        EnsureNotTerminal(intent);
        if (intent.Status != IntentStatus.Delivered) return NotApplied(intent, "not_delivered");
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.Acknowledged, IntentStatus.Acknowledged, actor: actor);
        return log.Result(log.Intent with { LeaseUntil = null });
    }

    /// <summary>
    /// The handler reports progress: from SUBMITTED, DELIVERED or ACKNOWLEDGED it moves to IN_PROGRESS (it has
    /// taken the delivery up: no lease, no redelivery); while IN_PROGRESS each report is another
    /// intent.in_progress event. A WAITING intent continues by resume, not by progress.
    /// </summary>
    public static Transition Progress(IntentRecord intent, string? actor, string progressJson, DateTimeOffset now)
    {
        EnsureNotTerminal(intent);
        if (intent.Status == IntentStatus.Waiting)
            throw ProtocolException.Conflict("intent_waiting", "a waiting intent continues by resume, not by progress");
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: actor,
            details: JsonText.Object(("progress", JsonText.Raw(progressJson))));
        return log.Result(log.Intent with { LeaseUntil = null, Handler = intent.Handler ?? intent.ToAgent });
    }

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

    private static Transition ResumeControl(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        if (intent.Status != IntentStatus.Waiting) return NotApplied(intent, NotWaiting);
        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: c.Actor,
            details: JsonText.Object(("reason", c.Reason)));
        return log.Result(log.Intent);
    }

    private static Transition ResumeTask(IntentRecord intent, ResumeCommand c, DateTimeOffset now)
    {
        if (intent.Status != IntentStatus.Waiting || intent.WaitingReason != WaitingReason.Human || intent.HumanTaskJson is null)
            throw ProtocolException.Conflict("not_waiting_for_human", "intent is not waiting for a human");
        var taskResult = Humans.HumanTasks.Check(intent.HumanTaskJson, c.BodyJson ?? JsonText.EmptyObject);
        var parsed = JsonText.Parse(taskResult);
        var outcome = parsed["outcome"]!.GetValue<string>();
        var comment = (parsed["comment"] as JsonValue)?.TryGetValue<string>(out var cm) == true ? cm : null;

        var log = new EventLog(intent, now);
        log.Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: c.Actor,
            details: JsonText.Object(("task_result", JsonText.Raw(taskResult))));
        var declined = Humans.HumanTasks.Declines(intent.HumanTaskJson, outcome);
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

    private static Transition FailDelivery(EventLog log, int attempts, string message, DateTimeOffset now)
    {
        var error = JsonText.Object(("code", "delivery_failed"), ("message", message),
            ("category", "transport"), ("retryable", true), ("at", WireTime.Format(now)));
        log.Append(IntentEventType.DeliveryFailed, IntentStatus.Failed, actor: "system",
            details: JsonText.Object(("delivery_attempt", Number(attempts)), ("error", JsonText.Raw(error))));
        return log.Result(log.Intent with { ErrorJson = error, LeaseUntil = null, DeliveryAttempt = Math.Max(attempts, log.Intent.DeliveryAttempt) });
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

    /// <summary>Accumulates events with consecutive seqs, checking each move against the table.</summary>
    private sealed class EventLog(IntentRecord start, DateTimeOffset now)
    {
        private readonly List<IntentEvent> _events = [];

        public IntentRecord Intent { get; set; } = start;

        public void Append(string eventType, string status, string? waitingReason = null, PendingWith? pendingWith = null,
            string? actor = null, string? details = null, string? humanTaskJson = null)
        {
            var from = Intent.Status;
            // The first event of a new intent is intent.created itself; later moves must be in the table.
            var isCreation = _events.Count == 0 && Intent.LastSeq == 0;
            // IN_PROGRESS → IN_PROGRESS (a progress report) and WAITING → WAITING (a reminder, an escalation):
            // same status, one more event.
            var sameStatusEvent = from == status && status is IntentStatus.InProgress or IntentStatus.Waiting;
            if (!isCreation && !sameStatusEvent && !IsAllowed(from, status))
                throw new InvalidOperationException($"transition {from} -> {status} is not allowed");
            var seq = Intent.LastSeq + 1;
            var e = new IntentEvent
            {
                IntentId = Intent.IntentId,
                Seq = seq,
                EventType = eventType,
                Status = status,
                At = now,
                WaitingReason = status == IntentStatus.Waiting ? waitingReason : null,
                PendingWith = IntentStatus.IsTerminal(status) ? null : pendingWith ?? Intent.PendingWith,
                Handler = Intent.Handler,
                Actor = actor,
                DetailsJson = details,
                HumanTaskJson = humanTaskJson,
            };
            _events.Add(e);
            Intent = Intent with
            {
                Status = status,
                WaitingReason = e.WaitingReason,
                WaitingSince = status != IntentStatus.Waiting ? null : from == IntentStatus.Waiting ? Intent.WaitingSince : now,
                PendingWith = e.PendingWith,
                LastSeq = seq,
                UpdatedAt = now,
            };
        }

        /// <summary>COMPLETED is only reachable from IN_PROGRESS: pass through it in the same write (PROTOCOL §5.1.3).</summary>
        public void MoveThroughInProgress(string? actor)
        {
            if (Intent.Status != IntentStatus.InProgress)
                Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: actor);
        }

        public Transition Result(IntentRecord final) => new(final, _events);
    }
}
