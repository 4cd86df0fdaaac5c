using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Tests.Intents;

/// <summary>The effects of a commit and the decision of a timer tick, as data (ADR 016 §9).</summary>
public sealed class IntentEffectsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retry = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_create_without_anything_due_takes_no_timer_and_starts_nothing()
    {
        var e = IntentEffects.Of(null, null, Create(), Now, Retry);

        Assert.Null(e.TimerDue);
        Assert.Null(e.SetTimer);
        Assert.False(e.DropTimer);
        Assert.False(e.Finished);
        Assert.False(e.StartStep);
        Assert.False(e.DeliverCompletion);
        Assert.Equal([IntentEventType.Created, IntentEventType.Submitted], e.Events.Select(x => x.EventType));
    }

    [Fact]
    public void A_deadline_sets_the_timer_once_and_only_a_changed_due_time_moves_it()
    {
        var deadline = Now.AddMinutes(10);
        var created = Create(deadline);

        var first = IntentEffects.Of(null, null, created, Now, Retry);
        Assert.Equal(deadline, first.TimerDue);
        Assert.Equal(TimeSpan.FromMinutes(10), first.SetTimer);

        var delivered = IntentTransitions.Deliver(created.Intent, Now.AddSeconds(1));
        var again = IntentEffects.Of(created.Intent, deadline, delivered, Now.AddSeconds(1), Retry);
        Assert.Equal(deadline, again.TimerDue);
        Assert.Null(again.SetTimer); // same due time: the reminder stays as it is
        Assert.False(again.DropTimer);
    }

    [Fact]
    public void A_due_time_already_past_fires_at_once()
    {
        var created = Create(Now.AddSeconds(5));

        var e = IntentEffects.Of(null, null, created, Now.AddSeconds(30), Retry);

        Assert.Equal(TimeSpan.Zero, e.SetTimer);
    }

    [Fact]
    public void The_end_drops_the_timer_and_finishes()
    {
        var deadline = Now.AddMinutes(10);
        var created = Create(deadline);
        var done = IntentTransitions.Resolve(created.Intent, TestData.Complete(), Now);

        var e = IntentEffects.Of(created.Intent, deadline, done, Now, Retry);

        Assert.True(e.Finished);
        Assert.True(e.DropTimer);
        Assert.Null(e.TimerDue);
        Assert.False(e.DeliverCompletion); // nobody waits for this one's end
    }

    [Fact]
    public void A_reply_to_completion_keeps_a_retry_timer_and_is_handed_over()
    {
        var intent = Create().Intent with { ReplyTo = "agent://acme/ops/inbox" };
        var done = IntentTransitions.Resolve(intent, TestData.Complete(), Now);

        var e = IntentEffects.Of(intent, null, done, Now, Retry);

        Assert.True(e.DeliverCompletion);
        Assert.Equal(Retry, e.SetTimer);
        Assert.False(e.DropTimer);
        Assert.True(IntentEffects.Completes(intent, done.Intent));
        Assert.False(IntentEffects.Completes(done.Intent, done.Intent)); // already ended before: not again
    }

    [Fact]
    public void A_step_intent_end_goes_to_its_parent_without_a_timer()
    {
        var intent = Create().Intent with { ParentIntentId = Guid.NewGuid(), ParentStepId = "handle" };
        var done = IntentTransitions.Resolve(intent, TestData.Complete(), Now);

        var e = IntentEffects.Of(intent, null, done, Now, Retry);

        Assert.True(e.DeliverCompletion);
        Assert.Null(e.SetTimer);
    }

    [Fact]
    public void A_workflow_that_entered_an_agent_step_starts_its_step_intent_under_a_new_id()
    {
        var child = Guid.NewGuid();
        var before = Create().Intent with { Workflow = Run(childId: null) };
        var after = before with { Workflow = Run(child) };

        var entered = IntentEffects.Of(before, null, new Transition(after, []), Now, Retry);
        Assert.True(entered.StartStep);
        Assert.True(entered.StepIsNew);

        var started = after with { Workflow = Run(child) with { ChildStarted = true } };
        var later = IntentEffects.Of(started, null, new Transition(started, []), Now, Retry);
        Assert.False(later.StartStep); // known to exist
        Assert.False(later.StepIsNew);

        var afterRestart = IntentEffects.Of(after, null, new Transition(after, []), Now, Retry);
        Assert.True(afterRestart.StartStep); // stored false: created again, which replays
        Assert.False(afterRestart.StepIsNew); // its id may be stored: no "new intent" hint
    }

    [Fact]
    public void Only_a_commit_that_causes_nothing_but_events_may_ride_on_the_next_write()
    {
        var deadline = Now.AddMinutes(10);
        var created = Create(deadline);
        var delivered = IntentTransitions.Deliver(created.Intent, Now.AddSeconds(1));

        // DELIVERED with the timer already at its due time: events only (docs/adr/031).
        Assert.True(IntentEffects.Of(created.Intent, deadline, delivered, Now.AddSeconds(1), Retry).OnlyEvents);
        // The same with the timer not yet registered: it must be, before anything is stored.
        Assert.False(IntentEffects.Of(created.Intent, null, delivered, Now.AddSeconds(1), Retry).OnlyEvents);
        // An end, a hand-over, a step to start: never.
        Assert.False(IntentEffects.Of(created.Intent, deadline, IntentTransitions.Resolve(created.Intent, TestData.Complete(), Now), Now, Retry).OnlyEvents);
        var step = Create().Intent with { ParentIntentId = Guid.NewGuid(), ParentStepId = "handle" };
        Assert.False(IntentEffects.Of(step, null, IntentTransitions.Resolve(step, TestData.Complete(), Now), Now, Retry).OnlyEvents);
        var before = Create().Intent with { Workflow = Run(childId: null) };
        Assert.False(IntentEffects.Of(before, null, new Transition(before with { Workflow = Run(Guid.NewGuid()) }, []), Now, Retry).OnlyEvents);
    }

    [Fact]
    public void Tick_of_nothing_or_of_a_plain_finished_intent_drops_the_timer()
    {
        Assert.Equal(TickKind.DropTimer, IntentTick.Decide(null, Now).Kind);
        var done = IntentTransitions.Resolve(Create().Intent, TestData.Complete(), Now).Intent;
        Assert.Equal(TickKind.DropTimer, IntentTick.Decide(done, Now).Kind);
        Assert.Equal(TickKind.RetryCompletion, IntentTick.Decide(done with { ReplyTo = "agent://acme/ops/inbox" }, Now).Kind);
        Assert.Equal(TickKind.RetryCompletion, IntentTick.Decide(done with { ParentIntentId = Guid.NewGuid() }, Now).Kind);
    }

    [Fact]
    public void Tick_past_the_deadline_times_out()
    {
        var intent = Create(Now.AddMinutes(1)).Intent;

        var early = IntentTick.Decide(intent, Now);
        var late = IntentTick.Decide(intent, Now.AddMinutes(2));

        Assert.Equal(TickKind.None, early.Kind); // a tick before anything is due (the deadline still is)
        Assert.Equal(TickKind.Commit, late.Kind);
        Assert.True(late.TimedOut);
        Assert.Equal(IntentStatus.TimedOut, late.Transition!.Intent.Status);
    }

    [Fact]
    public void Tick_with_nothing_due_any_more_drops_the_timer_and_a_waiting_workflow_step_is_recovered()
    {
        var intent = Create().Intent;
        Assert.Equal(TickKind.DropTimer, IntentTick.Decide(intent, Now).Kind);
        Assert.Equal(TickKind.RecoverStep, IntentTick.Decide(intent with { Workflow = Run(Guid.NewGuid()) }, Now).Kind);
    }

    private static Transition Create(DateTimeOffset? deadlineAt = null) =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller(), deadlineAt: deadlineAt), Now);

    private static WorkflowRun Run(Guid? childId) => new()
    {
        ScenarioId = "s", CompileId = "c", Current = "handle", ChildId = childId,
        Steps = [new WorkflowStep { StepId = "handle", Kind = WorkflowStepKinds.Agent, AssignedTo = "agent://acme/ops/handler" }],
    };
}
