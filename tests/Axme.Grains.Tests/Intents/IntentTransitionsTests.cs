using System.Text.Json.Nodes;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Time.Testing;

namespace Axme.Grains.Tests.Intents;

public sealed partial class IntentTransitionsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    // The expected table, written out rather than derived from the code under test: PROTOCOL §5.1.3's
    // baseline plus its two extensions (any non-terminal → TIMED_OUT, WAITING → WAITING). 1 = allowed.
    private static readonly string[] Columns =
        ["CREATED", "SUBMITTED", "DELIVERED", "ACKNOWLEDGED", "IN_PROGRESS", "WAITING", "COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"];

    private static readonly (string From, int[] To)[] Table =
    [
        //                CRE SUB DEL ACK INP WAI COM FAI CAN TMO
        ("CREATED",      [ 0,  1,  0,  0,  0,  0,  0,  0,  0,  1 ]),
        ("SUBMITTED",    [ 0,  0,  1,  0,  1,  1,  0,  1,  1,  1 ]),
        ("DELIVERED",    [ 0,  0,  0,  1,  1,  1,  0,  1,  1,  1 ]),
        ("ACKNOWLEDGED", [ 0,  0,  0,  0,  1,  1,  0,  1,  1,  1 ]),
        ("IN_PROGRESS",  [ 0,  0,  0,  0,  0,  1,  1,  1,  1,  1 ]),
        ("WAITING",      [ 0,  0,  0,  0,  1,  1,  0,  1,  1,  1 ]),
        ("COMPLETED",    [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0 ]),
        ("FAILED",       [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0 ]),
        ("CANCELED",     [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0 ]),
        ("TIMED_OUT",    [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0 ]),
    ];

    public static TheoryData<string, string, bool> AllPairs()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (from, to) in Table)
            for (var i = 0; i < Columns.Length; i++)
                data.Add(from, Columns[i], to[i] == 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void IsAllowed_matches_the_protocol_table(string from, string to, bool allowed) =>
        Assert.Equal(allowed, IntentTransitions.IsAllowed(from, to));

    [Fact]
    public void The_table_covers_every_status() =>
        Assert.Equal(IntentStatus.All, Table.Select(r => r.From));

    [Fact]
    public void Create_agent_intent_is_submitted_to_the_agent()
    {
        var t = Create();

        Assert.True(t.Applied);
        Assert.Equal([(1, IntentEventType.Created, IntentStatus.Created), (2, IntentEventType.Submitted, IntentStatus.Submitted)],
            t.Events.Select(e => (e.Seq, e.EventType, e.Status)));
        Assert.Equal(IntentStatus.Submitted, t.Intent.Status);
        Assert.Equal(2, t.Intent.LastSeq);
        Assert.Equal(new PendingWith("agent", TestData.ToAgent, TestData.ToAgent), t.Intent.PendingWith);
        Assert.Null(t.Intent.EffectiveDeadline);
    }

    [Fact]
    public void Create_human_task_intent_waits_for_the_assignee()
    {
        var t = Create(humanTaskJson: TestData.HumanTask);

        Assert.Equal([IntentEventType.Created, IntentEventType.Submitted, IntentEventType.HumanTaskAssigned],
            t.Events.Select(e => e.EventType));
        Assert.Equal([1, 2, 3], t.Events.Select(e => e.Seq));
        var assigned = t.Events[^1];
        Assert.Equal(IntentStatus.Waiting, assigned.Status);
        Assert.Equal(WaitingReason.Human, assigned.WaitingReason);
        Assert.NotNull(assigned.HumanTaskJson);
        Assert.Equal(IntentStatus.Waiting, t.Intent.Status);
        Assert.Equal(WaitingReason.Human, t.Intent.WaitingReason);
        Assert.Equal("human", t.Intent.PendingWith?.Type);
        Assert.Equal("human:alice@example.com", t.Intent.PendingWith?.Ref);
    }

    [Fact]
    public void Resolve_completed_from_submitted_passes_through_in_progress()
    {
        var intent = Create().Intent;

        var t = IntentTransitions.Resolve(intent, TestData.Complete("""{"refunded": true}"""), Now);

        Assert.True(t.Applied);
        Assert.Equal([(3, IntentEventType.InProgress, IntentStatus.InProgress), (4, IntentEventType.Completed, IntentStatus.Completed)],
            t.Events.Select(e => (e.Seq, e.EventType, e.Status)));
        Assert.Equal(IntentStatus.Completed, t.Intent.Status);
        Assert.Equal(4, t.Intent.LastSeq);
        Assert.Null(t.Intent.PendingWith);
        AssertJson("""{"refunded": true}""", t.Intent.ResultJson);
        AssertJson("""{"result": {"refunded": true}}""", t.Events[^1].DetailsJson);
    }

    [Fact]
    public void Resolve_failed_records_the_error()
    {
        var t = IntentTransitions.Resolve(Create().Intent,
            new ResolveCommand { Status = IntentStatus.Failed, ErrorJson = """{"code": "card_declined"}""", Reason = "declined" }, Now);

        Assert.Equal([(3, IntentEventType.Failed, IntentStatus.Failed)], t.Events.Select(e => (e.Seq, e.EventType, e.Status)));
        Assert.Equal(IntentStatus.Failed, t.Intent.Status);
        AssertJson("""{"code": "card_declined"}""", t.Intent.ErrorJson);
        Assert.Equal("declined", t.Intent.Reason);
    }

    [Fact]
    public void Resolve_canceled_records_the_reason()
    {
        var t = IntentTransitions.Resolve(Create().Intent,
            new ResolveCommand { Status = IntentStatus.Canceled, Reason = "canceled via axme cli" }, Now);

        Assert.Equal([(3, IntentEventType.Canceled, IntentStatus.Canceled)], t.Events.Select(e => (e.Seq, e.EventType, e.Status)));
        Assert.Equal("canceled via axme cli", t.Intent.Reason);
        AssertJson("""{"reason": "canceled via axme cli"}""", t.Events[0].DetailsJson);
    }

    [Fact]
    public void Resolve_on_a_terminal_intent_is_a_conflict()
    {
        var done = IntentTransitions.Resolve(Create().Intent, TestData.Complete(), Now).Intent;

        var e = Assert.Throws<ProtocolException>(() =>
            IntentTransitions.Resolve(done, new ResolveCommand { Status = IntentStatus.Canceled, Reason = "late" }, Now));

        Assert.Equal(409, e.Status);
        Assert.Equal("intent_already_terminal", e.Code);
    }

    [Fact]
    public void Resolve_with_a_stale_policy_generation_is_not_applied()
    {
        var intent = Create().Intent;

        var t = IntentTransitions.Resolve(intent, TestData.Complete() with { ExpectedPolicyGeneration = 3 }, Now);

        Assert.False(t.Applied);
        Assert.Equal(IntentTransitions.StalePolicyGeneration, t.NotAppliedReason);
        Assert.Empty(t.Events);
        Assert.Same(intent, t.Intent);
    }

    [Fact]
    public void Resume_control_moves_a_waiting_intent_to_in_progress()
    {
        var t = IntentTransitions.Resume(Create(humanTaskJson: TestData.HumanTask).Intent,
            new ResumeCommand { Kind = ResumeKind.Control, Reason = "go on" }, Now);

        Assert.True(t.Applied);
        Assert.Equal([(4, IntentEventType.InProgress, IntentStatus.InProgress)], t.Events.Select(e => (e.Seq, e.EventType, e.Status)));
        Assert.Equal(IntentStatus.InProgress, t.Intent.Status);
        Assert.Null(t.Intent.WaitingReason);
    }

    [Fact]
    public void Resume_control_on_a_non_waiting_intent_is_not_applied()
    {
        var t = IntentTransitions.Resume(Create().Intent, new ResumeCommand { Kind = ResumeKind.Control }, Now);

        Assert.False(t.Applied);
        Assert.Equal(IntentTransitions.NotWaiting, t.NotAppliedReason);
        Assert.Equal("intent_not_waiting", t.NotAppliedReason);
        Assert.Empty(t.Events);
    }

    [Fact]
    public void Resume_task_result_approved_completes()
    {
        var t = IntentTransitions.Resume(Create(humanTaskJson: TestData.HumanTask).Intent,
            TaskResult("""{"outcome": "approved", "comment": "ok"}"""), Now);

        Assert.Equal([(4, IntentEventType.InProgress), (5, IntentEventType.Completed)], t.Events.Select(e => (e.Seq, e.EventType)));
        Assert.Equal(IntentStatus.Completed, t.Intent.Status);
        Assert.Equal("approved", JsonNode.Parse(t.Intent.ResultJson!)!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public void Resume_task_result_rejected_cancels()
    {
        var t = IntentTransitions.Resume(Create(humanTaskJson: TestData.HumanTask).Intent,
            TaskResult("""{"outcome": "rejected", "comment": "too much"}"""), Now);

        Assert.Equal([IntentEventType.InProgress, IntentEventType.Canceled], t.Events.Select(e => e.EventType));
        Assert.Equal(IntentStatus.Canceled, t.Intent.Status);
        Assert.Equal("too much", t.Intent.Reason);
    }

    [Fact]
    public void Resume_task_result_with_an_outcome_not_allowed_is_invalid()
    {
        var e = Assert.Throws<ProtocolException>(() =>
            IntentTransitions.Resume(Create(humanTaskJson: TestData.HumanTask).Intent, TaskResult("""{"outcome": "maybe"}"""), Now));

        Assert.Equal(422, e.Status);
        Assert.Equal("outcome_not_allowed", e.Code);
    }

    [Fact]
    public void Resume_task_result_requires_a_comment_when_the_task_says_so()
    {
        var task = """{"title": "Sign off", "allowed_outcomes": ["approved"], "required_comment": true}""";
        var intent = Create(humanTaskJson: task).Intent;

        var e = Assert.Throws<ProtocolException>(() =>
            IntentTransitions.Resume(intent, TaskResult("""{"outcome": "approved", "comment": "  "}"""), Now));
        var t = IntentTransitions.Resume(intent, TaskResult("""{"outcome": "approved", "comment": "checked"}"""), Now);

        Assert.Equal(422, e.Status);
        Assert.Equal("comment_required", e.Code);
        Assert.Equal(IntentStatus.Completed, t.Intent.Status);
    }

    [Fact]
    public void Resume_handler_fail_action_fails_with_the_body_as_error()
    {
        var body = """{"action": "fail", "why": "no stock"}""";

        var t = IntentTransitions.Resume(Create().Intent, new ResumeCommand { Kind = ResumeKind.HandlerResult, BodyJson = body }, Now);

        Assert.Equal([IntentEventType.Failed], t.Events.Select(e => e.EventType));
        Assert.Equal(IntentStatus.Failed, t.Intent.Status);
        AssertJson(body, t.Intent.ErrorJson);
    }

    [Fact]
    public void Resume_handler_success_wrapper_is_unwrapped()
    {
        var t = IntentTransitions.Resume(Create().Intent,
            new ResumeCommand { Kind = ResumeKind.HandlerResult, BodyJson = """{"outcome": "success", "result": {"ticket": 42}}""" }, Now);

        Assert.Equal([IntentEventType.InProgress, IntentEventType.Completed], t.Events.Select(e => e.EventType));
        Assert.Equal(IntentStatus.Completed, t.Intent.Status);
        AssertJson("""{"ticket": 42}""", t.Intent.ResultJson);
    }

    [Fact]
    public void Resume_handler_free_form_body_is_the_result()
    {
        var body = """{"action": "complete", "ready": true}""";

        var t = IntentTransitions.Resume(Create().Intent, new ResumeCommand { Kind = ResumeKind.HandlerResult, BodyJson = body }, Now);

        AssertJson(body, t.Intent.ResultJson);
    }
}
