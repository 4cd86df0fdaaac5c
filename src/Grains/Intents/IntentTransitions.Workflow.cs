using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Intents;

/// <summary>
/// The workflow engine (PROTOCOL §8.4), as pure transitions of the parent intent: entering a step (an agent or
/// runtime step waits for its step intent, a human step puts a human task on the parent), a step's end
/// (next by on_success/on_failure or order, retry, or the parent's end with the collected results), a
/// human step's deadline. Creating step intents is the grain's side effect (by name-based id, so repeatable).
/// </summary>
public static partial class IntentTransitions
{
    /// <summary>The id of a step's intent: the same parent, step and attempt always name the same intent.</summary>
    public static Guid StepIntentId(Guid parent, string stepId, int attempt) =>
        DeterministicId.From($"workflow-step\n{parent}\n{stepId}\n{attempt}");

    private static void EnterStep(EventLog log, WorkflowStep step, int attempt, DateTimeOffset now)
    {
        var intent = log.Intent;
        var run = intent.Workflow!;
        if (step.Kind == WorkflowStepKinds.Human)
        {
            var task = JsonText.Parse(step.HumanTaskJson ?? JsonText.EmptyObject);
            if (task["assignees"] is null && step.AssignedTo is { } to) task["assignees"] = new JsonArray(to);
            var taskJson = Humans.HumanTasks.Normalize(task.ToJsonString(), intent.IntentId);
            var assignee = step.AssignedTo ?? FirstAssignee(taskJson) ?? "human";
            log.Intent = intent with
            {
                HumanTaskJson = taskJson,
                RemindAfterSeconds = step.RemindAfterSeconds, RemindIntervalSeconds = step.RemindIntervalSeconds,
                MaxReminders = step.MaxReminders, EscalateTo = step.EscalateTo, RemindCount = 0, EscalatedAt = null,
                Workflow = run with
                {
                    Current = step.StepId, Attempt = attempt, ChildId = null, ChildStarted = true, RetryAt = null,
                    StepDeadline = step.DeadlineSeconds is { } d ? now.AddSeconds(d) : null,
                },
            };
            log.Append(IntentEventType.HumanTaskAssigned, IntentStatus.Waiting, WaitingReason.Human, new PendingWith("human", assignee, assignee),
                actor: "system", details: JsonText.Object(("step_id", step.StepId)), humanTaskJson: taskJson);
            return;
        }
        var child = StepIntentId(intent.IntentId, step.StepId, attempt);
        var agent = step.Kind == WorkflowStepKinds.Agent;
        var holder = agent ? step.AssignedTo! : "runtime." + step.RuntimeType;
        log.Intent = intent with
        {
            Workflow = run with { Current = step.StepId, Attempt = attempt, ChildId = child, ChildStarted = false, StepDeadline = null, RetryAt = null },
        };
        log.Append(IntentEventType.Waiting, IntentStatus.Waiting, agent ? WaitingReason.Agent : WaitingReason.Tool,
            new PendingWith(agent ? "agent" : "runtime", holder, holder), actor: "system",
            details: JsonText.Object(("step_id", step.StepId), ("step_intent_id", child.ToString()), ("attempt", Number(attempt))));
    }

    /// <summary>The step intent of the current step ended (COMPLETED → success; FAILED, CANCELED, TIMED_OUT → failure).</summary>
    public static Transition StepFinished(IntentRecord intent, string stepId, Guid stepIntentId, string status, string? resultJson, string? errorJson, DateTimeOffset now)
    {
        if (intent.IsTerminal || intent.Workflow is not { } run || run.Current != stepId || run.ChildId != stepIntentId)
            return NotApplied(intent, "not_the_current_step");
        var log = new EventLog(intent with { Workflow = run with { ChildStarted = true } }, now);
        var ok = status == IntentStatus.Completed;
        var error = ok ? null : JsonText.Object(
            ("code", status == IntentStatus.TimedOut ? "step_timeout" : "step_failed"), ("step_id", stepId), ("status", status),
            ("message", status == IntentStatus.TimedOut ? $"step {stepId} missed its deadline" : $"step {stepId} ended {status}"),
            ("step_error", JsonText.Raw(errorJson)));
        AdvanceWorkflow(log, run.CurrentStep!, ok, ok ? resultJson : null, error, now);
        return log.Result(log.Intent);
    }

    /// <summary>A timer tick of a workflow: a human step past its deadline fails (step_timeout); a retry that is due starts.</summary>
    public static Transition WorkflowTick(IntentRecord intent, DateTimeOffset now)
    {
        if (intent.IsTerminal || intent.Workflow is not { CurrentStep: { } step } run) return NotApplied(intent, "nothing_due");
        var log = new EventLog(intent, now);
        if (run.RetryAt is { } retry && retry <= now)
        {
            EnterStep(log, step, run.Attempt + 1, now);
            return log.Result(log.Intent);
        }
        if (step.Kind == WorkflowStepKinds.Human && run.StepDeadline is { } deadline && deadline <= now && intent.WaitingReason == WaitingReason.Human)
        {
            AdvanceWorkflow(log, step, ok: false, resultJson: null, JsonText.Object(("code", "step_timeout"), ("step_id", step.StepId),
                ("message", $"step {step.StepId} missed its deadline")), now);
            return log.Result(log.Intent);
        }
        return NotApplied(intent, "nothing_due");
    }

    /// <summary>
    /// The next thing the workflow waits for in time: a human step's deadline, a retry. (Creating a step intent is no
    /// timer: it happens right after the parent's write, and the hand-off sweep repairs one a crash lost.)
    /// </summary>
    public static DateTimeOffset? WorkflowDue(IntentRecord intent) => intent is { IsTerminal: false, Workflow: { } run }
        ? new[] { run.StepDeadline, run.RetryAt }.Where(t => t is not null).Min()
        : null;

    /// <summary>After a step: record its result, then retry it, go to the next step, or end the parent.</summary>
    private static void AdvanceWorkflow(EventLog log, WorkflowStep step, bool ok, string? resultJson, string? errorJson, DateTimeOffset now)
    {
        var run = log.Intent.Workflow!;
        var results = JsonText.Parse(run.ResultsJson);
        results[step.StepId] = JsonNode.Parse(ok ? resultJson ?? JsonText.EmptyObject : errorJson ?? JsonText.EmptyObject);
        run = run with { ResultsJson = results.ToJsonString(), StepDeadline = null };
        log.Intent = log.Intent with { Workflow = run };
        if (!ok && run.Attempt <= step.MaxRetries)
        {
            var at = now.AddSeconds(step.RetryDelaySeconds);
            log.Intent = log.Intent with { Workflow = run with { RetryAt = at, ChildId = null, ChildStarted = true } };
            log.Append(IntentEventType.Waiting, IntentStatus.Waiting, WaitingReason.Time, new PendingWith("runtime", "retry", "retry"), actor: "system",
                details: JsonText.Object(("step_id", step.StepId), ("retry", Number(run.Attempt + 1)), ("retry_at", WireTime.Format(at)), ("error", JsonText.Raw(errorJson))));
            return;
        }
        var next = ok ? step.OnSuccess ?? NextInOrder(run, step) : step.OnFailure;
        if (next is not null && run.Steps.FirstOrDefault(s => s.StepId == next) is { } nextStep)
        {
            EnterStep(log, nextStep, 1, now);
            return;
        }
        var done = run with { Current = null, ChildId = null, ChildStarted = true, RetryAt = null };
        if (ok)
        {
            var result = JsonText.Object(("scenario_id", run.ScenarioId), ("steps", JsonText.Raw(run.ResultsJson)));
            log.MoveThroughInProgress("system");
            log.Append(IntentEventType.Completed, IntentStatus.Completed, actor: "system", details: JsonText.Object(("result", JsonText.Raw(result))));
            log.Intent = log.Intent with { ResultJson = result, Workflow = done };
        }
        else
        {
            log.Append(IntentEventType.Failed, IntentStatus.Failed, actor: "system", details: JsonText.Object(("error", JsonText.Raw(errorJson))));
            log.Intent = log.Intent with { ErrorJson = errorJson, Workflow = done };
        }
    }

    private static string? NextInOrder(WorkflowRun run, WorkflowStep step)
    {
        var i = run.Steps.ToList().FindIndex(s => s.StepId == step.StepId);
        return i >= 0 && i + 1 < run.Steps.Count ? run.Steps[i + 1].StepId : null;
    }
}
