using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Tests.Workflows;

/// <summary>The workflow engine as pure transitions: routing by order and on_success/on_failure, retries, human steps, deadlines.</summary>
public sealed class WorkflowTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);
    private const string AgentA = "agent://acme/ops/a";
    private const string AgentB = "agent://acme/ops/b";

    private static WorkflowStep Agent(string id, string agent, string? onSuccess = null, string? onFailure = null, int retries = 0) => new()
    {
        StepId = id, Kind = WorkflowStepKinds.Agent, AssignedTo = agent, OnSuccess = onSuccess, OnFailure = onFailure, MaxRetries = retries, RetryDelaySeconds = 10,
    };

    private static IntentRecord Parent(params WorkflowStep[] steps) =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller()) with
        {
            Workflow = new WorkflowRun { ScenarioId = "test.v1", CompileId = "cmp_x", Steps = steps, Current = steps[0].StepId },
        }, T0).Intent;

    private static IntentRecord Finish(IntentRecord parent, string status, string? result = """{"ok":true}""") =>
        IntentTransitions.StepFinished(parent, parent.Workflow!.Current!, parent.Workflow.ChildId!.Value, status, result, null, T0).Intent;

    [Fact]
    public void Steps_run_in_order_each_as_a_step_intent_and_the_parent_completes_with_every_result()
    {
        var parent = Parent(Agent("one", AgentA), Agent("two", AgentB));
        Assert.Equal((IntentStatus.Waiting, WaitingReason.Agent, AgentA), (parent.Status, parent.WaitingReason, parent.PendingWith!.Ref));
        Assert.Equal(IntentTransitions.StepIntentId(parent.IntentId, "one", 1), parent.Workflow!.ChildId);
        Assert.False(parent.Workflow.ChildStarted);

        var second = Finish(parent, IntentStatus.Completed);
        Assert.Equal(("two", AgentB), (second.Workflow!.Current, second.PendingWith!.Ref));
        // A late or repeated report of the first step changes nothing.
        Assert.False(IntentTransitions.StepFinished(second, "one", parent.Workflow.ChildId!.Value, IntentStatus.Completed, "{}", null, T0).Applied);

        var done = Finish(second, IntentStatus.Completed, """{"score":3}""");
        Assert.Equal(IntentStatus.Completed, done.Status);
        Assert.Contains("\"two\":{\"score\":3}", done.ResultJson);
        Assert.Contains("\"one\":{\"ok\":true}", done.ResultJson);
    }

    [Fact]
    public void A_failed_step_goes_to_on_failure_or_fails_the_parent_with_step_failed_or_step_timeout()
    {
        var routed = Finish(Parent(Agent("one", AgentA, onFailure: "cleanup"), Agent("main", AgentB), Agent("cleanup", AgentB)), IntentStatus.Failed);
        Assert.Equal("cleanup", routed.Workflow!.Current);

        var failed = Finish(Parent(Agent("one", AgentA)), IntentStatus.Failed, null);
        Assert.Equal(IntentStatus.Failed, failed.Status);
        Assert.Contains("\"code\":\"step_failed\"", failed.ErrorJson);
        var timedOut = Finish(Parent(Agent("one", AgentA)), IntentStatus.TimedOut, null);
        Assert.Contains("\"code\":\"step_timeout\"", timedOut.ErrorJson);
    }

    [Fact]
    public void A_step_with_retries_waits_its_delay_then_runs_again_as_a_new_step_intent()
    {
        var parent = Parent(Agent("one", AgentA, retries: 1));
        var waiting = Finish(parent, IntentStatus.Failed, null);
        Assert.Equal((IntentStatus.Waiting, WaitingReason.Time), (waiting.Status, waiting.WaitingReason));
        Assert.Equal(T0.AddSeconds(10), waiting.Workflow!.RetryAt);
        Assert.False(IntentTransitions.WorkflowTick(waiting, T0.AddSeconds(9)).Applied);
        var again = IntentTransitions.WorkflowTick(waiting, T0.AddSeconds(10)).Intent;
        Assert.Equal(2, again.Workflow!.Attempt);
        Assert.Equal(IntentTransitions.StepIntentId(parent.IntentId, "one", 2), again.Workflow.ChildId);
        Assert.Equal(IntentStatus.Failed, Finish(again, IntentStatus.Failed, null).Status); // retries used up
    }

    [Fact]
    public void A_human_step_puts_a_task_on_the_parent_answers_advance_it_and_its_deadline_fails_it()
    {
        var human = new WorkflowStep
        {
            StepId = "approve", Kind = WorkflowStepKinds.Human, AssignedTo = "operator", HumanTaskJson = """{"title":"Ship?"}""",
            DeadlineSeconds = 60, RemindAfterSeconds = 30,
        };
        var parent = Parent(human, Agent("deploy", AgentA));
        Assert.Equal((IntentStatus.Waiting, WaitingReason.Human), (parent.Status, parent.WaitingReason));
        Assert.Contains("\"assignees\":[\"operator\"]", parent.HumanTaskJson);
        Assert.Equal(30, parent.RemindAfterSeconds);

        var answered = IntentTransitions.Resume(parent, new ResumeCommand { Kind = ResumeKind.TaskResult, BodyJson = """{"outcome":"approved"}""" }, T0).Intent;
        Assert.Equal(("deploy", WaitingReason.Agent), (answered.Workflow!.Current, answered.WaitingReason));

        var late = IntentTransitions.WorkflowTick(parent, T0.AddSeconds(60)).Intent;
        Assert.Equal(IntentStatus.Failed, late.Status);
        Assert.Contains("step_timeout", late.ErrorJson);

        var rejected = IntentTransitions.Resume(parent, new ResumeCommand { Kind = ResumeKind.TaskResult, BodyJson = """{"outcome":"rejected"}""" }, T0).Intent;
        Assert.Equal(IntentStatus.Failed, rejected.Status);
        Assert.Contains("step_rejected", rejected.ErrorJson);
    }

    [Fact]
    public void An_approval_before_the_human_step_is_early_not_already_decided_and_one_after_it_is_late()
    {
        var human = new WorkflowStep { StepId = "approve", Kind = WorkflowStepKinds.Human, AssignedTo = "operator", HumanTaskJson = """{"title":"Ship?"}""" };
        var parent = Parent(Agent("check", AgentA), human);
        var early = Assert.Throws<ProtocolException>(() => IntentTransitions.DecideApproval(parent, true, null, "agent://acme/ops/boss", T0));
        Assert.Equal((409, "human_step_not_reached"), (early.Status, early.Code));

        var waiting = Finish(parent, IntentStatus.Completed);
        var approved = IntentTransitions.DecideApproval(waiting, true, "go", "agent://acme/ops/boss", T0).Intent;
        Assert.Equal(IntentStatus.Completed, approved.Status);
        Assert.Contains("\"approve\":{", approved.ResultJson);
        var late = Assert.Throws<ProtocolException>(() => IntentTransitions.DecideApproval(approved, false, null, "agent://acme/ops/boss", T0));
        Assert.Equal((409, "not_waiting_for_human"), (late.Status, late.Code));
    }
}
