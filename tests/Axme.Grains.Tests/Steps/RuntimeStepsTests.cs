using System.Text.Json.Nodes;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Steps;

namespace Axme.Grains.Tests.Steps;

/// <summary>The built-in steps as pure transitions: what they look like when created and what they do when due.</summary>
public sealed class RuntimeStepsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static IntentRecord Step(string type, string config) =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller()) with { RuntimeType = type, RuntimeConfigJson = config }, T0).Intent;

    [Theory]
    [InlineData("sleep", "{}", "runtime_type")]
    [InlineData("timeout", "{}", "runtime_config.seconds")]
    [InlineData("delay", """{"seconds": -1}""", "runtime_config.seconds")]
    [InlineData("delay", """{"until": "soon"}""", "runtime_config.until")]
    [InlineData("reminder", "{}", "runtime_config.to")]
    [InlineData("escalation", "{}", "runtime_config.escalate_to")]
    [InlineData("notification", """{"to": []}""", "runtime_config.to")]
    public void Bad_runtime_configs_are_refused_naming_the_field(string type, string config, string field)
    {
        var e = Assert.Throws<ProtocolException>(() => Step(type, config));
        Assert.Equal((422, field), (e.Status, e.Details!["field"]));
    }

    [Fact]
    public void A_delay_waits_for_time_then_completes()
    {
        var step = Step("delay", """{"seconds": 30}""");
        Assert.Equal((IntentStatus.Waiting, WaitingReason.Time), (step.Status, step.WaitingReason));
        Assert.Equal(T0.AddSeconds(30), step.WakeAt);
        Assert.Equal("runtime", step.PendingWith!.Type);
        Assert.False(IntentTransitions.FireStep(step, T0.AddSeconds(29)).Applied);
        var done = IntentTransitions.FireStep(step, T0.AddSeconds(30));
        Assert.Equal([IntentEventType.InProgress, IntentEventType.Completed], done.Events.Select(e => e.EventType));
        Assert.Equal(IntentStatus.Completed, done.Intent.Status);
        Assert.Contains("waited_until", done.Intent.ResultJson);
        Assert.False(IntentTransitions.FireStep(done.Intent, T0.AddSeconds(60)).Applied);
    }

    [Fact]
    public void A_timeout_step_waits_and_ends_TIMED_OUT_at_its_deadline()
    {
        var step = Step("timeout", """{"seconds": 10}""");
        Assert.Equal(IntentStatus.Waiting, step.Status);
        Assert.Equal(T0.AddSeconds(10), step.EffectiveDeadline);
        Assert.Null(step.WakeAt);
        var timedOut = IntentTransitions.TimeOut(step, T0.AddSeconds(10));
        Assert.Equal(IntentStatus.TimedOut, timedOut.Intent.Status);
        Assert.Equal(IntentEventType.TimedOut, Assert.Single(timedOut.Events).EventType);
    }

    [Fact]
    public void A_reminder_and_an_escalation_record_their_event_then_complete_and_say_whom_they_told()
    {
        var reminder = Step("reminder", """{"after_seconds": 5, "to": ["human:ops@example.com", "role:oncall"], "message": "look"}""");
        var fired = IntentTransitions.FireStep(reminder, T0.AddSeconds(5));
        Assert.Equal([IntentEventType.Reminder, IntentEventType.InProgress, IntentEventType.Completed], fired.Events.Select(e => e.EventType));
        var sent = RuntimeSteps.Notifications(reminder, JsonNode.Parse(reminder.RuntimeConfigJson!)!.AsObject()).ToArray();
        Assert.Equal(2, sent.Length); // e-mail to ops@example.com, and the chat webhook
        Assert.Contains(sent, n => n.Id.EndsWith(":email", StringComparison.Ordinal));

        var escalation = Step("escalation", """{"escalate_to": "human:lead@example.com"}""");
        var escalated = IntentTransitions.FireStep(escalation, T0);
        Assert.Equal(IntentEventType.Escalated, escalated.Events[0].EventType);
        Assert.Contains("\"escalated_to\":\"human:lead@example.com\"", escalated.Events[0].DetailsJson);
        Assert.Equal(IntentStatus.Completed, escalated.Intent.Status);
    }

    [Fact]
    public void A_human_approval_step_is_a_human_task_with_its_approval_id()
    {
        var step = Step("human_approval", """{"title": "Go live?", "assignees": ["role:approvers"]}""");
        Assert.Equal((IntentStatus.Waiting, WaitingReason.Human), (step.Status, step.WaitingReason));
        var task = JsonNode.Parse(step.HumanTaskJson!)!;
        Assert.Equal("approval", task["task_type"]!.GetValue<string>());
        Assert.Equal(step.IntentId.ToString(), task["approval_id"]!.GetValue<string>());
    }
}

/// <summary>Built-in steps on the grain's durable timer.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RuntimeStepGrainTests(ClusterFixture fx)
{
    [Fact]
    public async Task A_delay_completes_and_a_notification_step_e_mails_once_on_the_grains_timer()
    {
        var caller = TestData.Caller();
        var delay = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        await delay.CreateAsync(TestData.Create(caller) with { RuntimeType = "delay", RuntimeConfigJson = """{"seconds": 1}""" });
        var id = Guid.NewGuid();
        var notify = fx.Client.GetGrain<IIntentGrain>(id);
        var to = $"team-{id:N}@example.com";
        await notify.CreateAsync(TestData.Create(caller) with
        {
            RuntimeType = "notification", RuntimeConfigJson = $$"""{"to": ["{{to}}"], "subject": "Deploy done", "message": "v3 is live"}""",
        });
        var delayed = await Eventually.WaitAsync(() => delay.GetAsync(caller), i => i.IsTerminal, TimeSpan.FromSeconds(15));
        Assert.Equal(IntentStatus.Completed, delayed.Status);
        var notified = await Eventually.WaitAsync(() => notify.GetAsync(caller), i => i.IsTerminal, TimeSpan.FromSeconds(15));
        Assert.Equal(IntentStatus.Completed, notified.Status);
        var mail = await Eventually.WaitAsync(() => Task.FromResult(fx.Smtp.Received.Where(m => m.EnvelopeTo.Contains(to)).ToArray()), m => m.Length > 0, TimeSpan.FromSeconds(15));
        Assert.Equal("Deploy done", Assert.Single(mail).Message.Subject);
    }
}
