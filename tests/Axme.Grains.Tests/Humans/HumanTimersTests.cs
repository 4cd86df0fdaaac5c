using Axme.Grains.Tests.Common;
using Axme.Grains.Humans;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Humans;

/// <summary>Reminders and escalation of a waiting human task, as pure transitions over time.</summary>
public sealed class HumanTimersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private static IntentRecord Waiting(int? after = 60, int? interval = 30, int? max = 2, string? escalateTo = "human:boss@example.com") =>
        IntentTransitions.Create(Guid.NewGuid(), TestData.Create(TestData.Caller(), humanTaskJson: TestData.HumanTask) with
        {
            RemindAfterSeconds = after, RemindIntervalSeconds = interval, MaxReminders = max, EscalateTo = escalateTo,
        }, T0).Intent;

    [Fact]
    public void Reminders_come_after_remind_after_then_every_interval_up_to_the_maximum_then_one_escalation()
    {
        var intent = Waiting();
        Assert.Equal(T0.AddSeconds(60), HumanTimers.NextDue(intent));
        Assert.False(IntentTransitions.Remind(intent, T0.AddSeconds(59)).Applied);

        var first = IntentTransitions.Remind(intent, T0.AddSeconds(60));
        var e1 = Assert.Single(first.Events);
        Assert.Equal((IntentEventType.Reminder, IntentStatus.Waiting, WaitingReason.Human), (e1.EventType, e1.Status, e1.WaitingReason));
        Assert.Contains("\"reminder\":\"1\"", e1.DetailsJson);
        Assert.Equal("human:alice@example.com", e1.PendingWith!.Ref);
        Assert.Equal(T0.AddSeconds(90), HumanTimers.NextDue(first.Intent));

        var second = IntentTransitions.Remind(first.Intent, T0.AddSeconds(90));
        Assert.Equal(2, second.Intent.RemindCount);
        Assert.Equal(T0.AddSeconds(120), HumanTimers.NextDue(second.Intent));

        var escalated = IntentTransitions.Remind(second.Intent, T0.AddSeconds(120));
        var e3 = Assert.Single(escalated.Events);
        Assert.Equal(IntentEventType.Escalated, e3.EventType);
        Assert.Contains("\"escalated_to\":\"human:boss@example.com\"", e3.DetailsJson);
        Assert.Equal("human:boss@example.com", escalated.Intent.PendingWith!.Ref);
        Assert.Contains("boss@example.com", escalated.Intent.HumanTaskJson);
        Assert.DoesNotContain("alice", System.Text.Json.Nodes.JsonNode.Parse(escalated.Intent.HumanTaskJson!)!["assignees"]!.ToJsonString());
        Assert.Null(HumanTimers.NextDue(escalated.Intent)); // escalated once; nothing more
        Assert.Equal(IntentStatus.Waiting, escalated.Intent.Status);
    }

    [Fact]
    public void Without_remind_after_or_once_answered_nothing_is_due()
    {
        Assert.Null(HumanTimers.NextDue(Waiting(after: null)));
        var noEscalation = IntentTransitions.Remind(Waiting(max: 1, escalateTo: null), T0.AddSeconds(60)).Intent;
        Assert.Null(HumanTimers.NextDue(noEscalation));
        var answered = IntentTransitions.Resume(Waiting(), new ResumeCommand { Kind = ResumeKind.TaskResult, BodyJson = """{"outcome":"approved"}""" }, T0).Intent;
        Assert.Null(HumanTimers.NextDue(answered));
    }

    [Fact]
    public void The_interval_defaults_to_remind_after_and_the_maximum_to_three()
    {
        var intent = Waiting(after: 10, interval: null, max: null, escalateTo: null);
        for (var n = 0; n < 3; n++)
        {
            Assert.Equal(T0.AddSeconds(10 + 10 * n), HumanTimers.NextDue(intent));
            intent = IntentTransitions.Remind(intent, T0.AddSeconds(10 + 10 * n)).Intent;
        }
        Assert.Null(HumanTimers.NextDue(intent));
    }
}

/// <summary>Reminders and escalation on the grain's durable timer (real Orleans reminders, 1 s period in tests).</summary>
[Collection(ClusterCollection.Name)]
public sealed class HumanTimerGrainTests(ClusterFixture fx)
{
    [Fact]
    public async Task A_waiting_human_is_reminded_then_the_task_escalated_by_the_grains_timer()
    {
        var caller = TestData.Caller();
        var grain = fx.Client.GetGrain<IIntentGrain>(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(caller, humanTaskJson: TestData.HumanTask) with
        {
            RemindAfterSeconds = 1, RemindIntervalSeconds = 1, MaxReminders = 2, EscalateTo = "human:boss@example.com",
        });
        var events = await Eventually.WaitAsync(() => grain.GetEventsAsync(caller, 0),
            e => e.Any(x => x.EventType == IntentEventType.Escalated), TimeSpan.FromSeconds(20));
        Assert.Equal([IntentEventType.Reminder, IntentEventType.Reminder, IntentEventType.Escalated],
            events.Where(e => e.EventType is IntentEventType.Reminder or IntentEventType.Escalated).Select(e => e.EventType));
        var intent = await grain.GetAsync(caller);
        Assert.Equal(IntentStatus.Waiting, intent.Status);
        Assert.Equal("human:boss@example.com", intent.PendingWith!.Ref);
        await Task.Delay(2500);
        Assert.Equal(events.Count, (await grain.GetEventsAsync(caller, 0)).Count); // nothing after the escalation
    }

    [Fact]
    public async Task Assignees_with_e_mail_addresses_are_told_of_the_task_each_reminder_and_the_escalation_once_each()
    {
        var caller = TestData.Caller();
        var id = Guid.NewGuid();
        var grain = fx.Client.GetGrain<IIntentGrain>(id);
        var owner = $"owner-{id:N}@example.com";
        await grain.CreateAsync(TestData.Create(caller, humanTaskJson: $$"""{"title": "Ship v2?", "assignees": ["human:{{owner}}"]}""") with
        {
            RemindAfterSeconds = 1, RemindIntervalSeconds = 1, MaxReminders = 1, EscalateTo = $"boss-{id:N}@example.com",
        });
        var mails = await Eventually.WaitAsync(() => Task.FromResult(fx.Smtp.Received.Where(m => m.EnvelopeTo.Any(t => t.Contains($"{id:N}"))).ToArray()),
            m => m.Length >= 3, TimeSpan.FromSeconds(20));
        Assert.Equal(["Task for you: Ship v2?", "Reminder: Ship v2?", "Escalated to you: Ship v2?"], mails.Select(m => m.Message.Subject));
        Assert.Equal([owner], mails[0].EnvelopeTo);
        Assert.Equal([$"boss-{id:N}@example.com"], mails[2].EnvelopeTo);
        Assert.Contains(id.ToString(), mails[0].Message.TextBody);
        var chat = fx.Chat.Received.Where(r => r.Json["intent_id"]?.GetValue<string>() == id.ToString()).ToArray();
        Assert.Equal(["task_assigned", "reminder", "escalated"], chat.Select(r => r.Json["type"]!.GetValue<string>()));
        Assert.All(chat, r => Assert.True(r.SignatureValid));
        await Task.Delay(1500);
        Assert.Equal(3, fx.Smtp.Received.Count(m => m.EnvelopeTo.Any(t => t.Contains($"{id:N}")))); // once each
    }
    [Fact]
    public async Task A_timer_woken_intent_nobody_listens_to_is_deactivated_right_after_its_tick()
    {
        var caller = TestData.Caller();
        var id = Guid.NewGuid();
        var grain = fx.Client.GetGrain<IIntentGrain>(id);
        using var lateness = new MetricRecorder("axme.timers.lateness");
        await grain.CreateAsync(TestData.Create(caller, humanTaskJson: TestData.HumanTask) with { RemindAfterSeconds = 1, MaxReminders = 1 });
        var management = fx.Client.GetGrain<IManagementGrain>(0);
        var grainId = ((GrainReference)grain).GrainId;
        Assert.Contains(grainId, await management.GetActiveGrains(grainId.Type));

        // Watched through its rows, not through calls (a call would activate it again).
        await using var db = Npgsql.NpgsqlDataSource.Create(fx.ConnectionString);
        var reminders = await Eventually.WaitAsync<object?>(() => db.CreateCommand(
                $"SELECT count(*) FROM axme_intent_event_list WHERE intent_id = '{id}' AND event ->> 'event_type' = 'intent.reminder'").ExecuteScalarAsync(),
            n => (long)n! == 1, TimeSpan.FromSeconds(20));
        Assert.Equal(1L, reminders);
        var active = await Eventually.WaitAsync<List<GrainId>>(() => management.GetActiveGrains(grainId.Type).AsTask(),
            active => !active.Contains(grainId), TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(grainId, active); // right after its tick, not after an idle age (minutes)
        // Its firing was measured (fire time - due time, seconds): late by less than the test reminder period at most.
        Assert.Contains(lateness.Seen, m => m.Value is >= 0 and < 10);

        // Woken by the next call, with its state from the rows.
        Assert.Equal(1, (await grain.GetAsync(caller)).RemindCount);
    }
}
