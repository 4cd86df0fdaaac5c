using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.DependencyInjection;

namespace Axme.Grains.Tests.Intents;

[Collection(ClusterCollection.Name)]
public sealed class IntentGrainTests(ClusterFixture fx)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Caller _caller = TestData.Caller();

    [Fact]
    public async Task Create_then_get_and_events()
    {
        var id = Guid.NewGuid();
        var grain = Intent(id);

        var created = await grain.CreateAsync(TestData.Create(_caller));
        var intent = await grain.GetAsync(_caller);
        var events = await grain.GetEventsAsync(_caller, 0);

        Assert.False(created.Replayed);
        Assert.Equal(IntentStatus.Submitted, created.CreatedStatus);
        Assert.Equal(id, intent.IntentId);
        Assert.Equal(IntentStatus.Submitted, intent.Status);
        Assert.Equal(_caller.ServiceAccountId, intent.CreatedBy);
        Assert.Equal([(1, IntentEventType.Created), (2, IntentEventType.Submitted)], events.Select(e => (e.Seq, e.EventType)));
        Assert.All(events, e => Assert.Equal(id, e.IntentId));
        Assert.Equal([2], (await grain.GetEventsAsync(_caller, 1)).Select(e => e.Seq));
    }

    [Fact]
    public async Task A_step_end_offered_in_a_joint_this_silo_does_not_hold_is_refused_and_changes_nothing()
    {
        var grain = Intent(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(_caller));
        var before = await grain.GetAsync(_caller);
        var joints = fx.Cluster.Silos.Single().SiloHost.Services.GetRequiredService<JointCommits>();

        // Another silo's joint (or one already closed): the step intent is told to hand its end over the usual way.
        Assert.False(await grain.StepFinishedJointlyAsync("handle", Guid.NewGuid(), IntentStatus.Completed, "{}", null, Guid.NewGuid()));
        // One of this silo's: taken (this intent waits for no such step, so there is nothing to write).
        using var joint = joints.Open();
        Assert.True(await grain.StepFinishedJointlyAsync("handle", Guid.NewGuid(), IntentStatus.Completed, "{}", null, joint.Id));
        Assert.Equal(before, await grain.GetAsync(_caller));
    }

    [Fact]
    public async Task A_create_offered_in_a_joint_is_held_there_until_joined_or_sealed_and_one_this_silo_does_not_hold_creates_nothing()
    {
        var joints = fx.Cluster.Silos.Single().SiloHost.Services.GetRequiredService<JointCommits>();

        // Another silo's joint (or one already closed): nothing is created; the parent starts the step the usual way.
        var elsewhere = Intent(Guid.NewGuid());
        Assert.Null(await elsewhere.CreateJointlyAsync(TestData.Create(_caller), Guid.NewGuid()));
        Assert.Equal(404, (await Assert.ThrowsAsync<ProtocolException>(() => elsewhere.GetAsync(_caller))).Status);

        // One of this silo's with no write in it yet: the create's write is held (the parent's would join it) and the
        // create does not answer; once the joint is sealed it goes alone, and the create answers.
        var id = Guid.NewGuid();
        var joint = joints.Open();
        var creating = Intent(id).CreateJointlyAsync(TestData.Create(_caller), joint.Id);
        await Task.Delay(300);
        Assert.False(creating.IsCompleted);
        joint.Dispose();
        var created = await creating.WaitAsync(Timeout);
        Assert.Equal(id, created!.Intent.IntentId);
        Assert.Equal(IntentStatus.Submitted, (await Intent(id).GetAsync(_caller)).Status);
    }

    [Fact]
    public async Task A_wrong_hint_that_an_intent_is_new_costs_a_read_never_an_overwrite_or_a_wrong_answer()
    {
        var id = Guid.NewGuid();
        var grain = Intent(id);
        var hints = fx.Cluster.Silos.Single().SiloHost.Services.GetRequiredService<NewIntents>();
        var command = TestData.Create(_caller);
        var first = await grain.CreateAsync(command);
        await grain.ResolveAsync(_caller, TestData.Complete(), null);
        var stored = await grain.GetAsync(_caller);

        // An activation for a replayed Idempotency-Key, hinted new: its insert finds the row, and the create answers as stored.
        await fx.Cluster.DeactivateAsync(grain);
        var replay = await hints.CreateAsync(fx.Client, id, command);
        Assert.False(hints.Take(id)); // the activation took the hint: it did skip its read
        Assert.True(replay.Replayed);
        Assert.Equal(first.CreatedStatus, replay.CreatedStatus);
        Assert.Equal(stored, replay.Intent);

        // The same with another body: the conflict a read activation answers, nothing written.
        await fx.Cluster.DeactivateAsync(grain);
        var conflict = await Assert.ThrowsAsync<ProtocolException>(() => hints.CreateAsync(fx.Client, id, command with { RequestHash = "another body" }));
        Assert.Equal(409, conflict.Status);

        // A replay of a create with a relative reminder, wrongly hinted: the failed create registered its timer from its own
        // clock before its write; the stored intent's due time is put back.
        var reminded = Intent(Guid.NewGuid());
        var remind = TestData.Create(_caller, humanTaskJson: TestData.HumanTask) with { RemindAfterSeconds = 3600 };
        await reminded.CreateAsync(remind);
        var dueAt = await ReminderStartAsync(reminded);
        await fx.Cluster.DeactivateAsync(reminded);
        await Task.Delay(500);
        Assert.True((await hints.CreateAsync(fx.Client, reminded.GetPrimaryKey(), remind)).Replayed);
        Assert.InRange(await ReminderStartAsync(reminded) - dueAt, TimeSpan.FromMilliseconds(-100), TimeSpan.FromMilliseconds(100));

        // A hint taken by an activation whose first call is not the create: it reads before answering.
        await fx.Cluster.DeactivateAsync(grain);
        hints.Add(id);
        Assert.Equal(stored, await grain.GetAsync(_caller));
        Assert.False(hints.Take(id));
        Assert.Equal([1, 2, 3, 4], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq));

        // And a right hint: the create writes the new intent, and what follows needs no read.
        var fresh = Intent(Guid.NewGuid());
        var created = await hints.CreateAsync(fx.Client, fresh.GetPrimaryKey(), TestData.Create(_caller));
        Assert.False(created.Replayed);
        Assert.Equal(IntentStatus.Completed, (await fresh.ResolveAsync(_caller, TestData.Complete(), null)).Intent.Status);
        await fx.Cluster.DeactivateAsync(fresh);
        Assert.Equal(IntentStatus.Completed, (await fresh.GetAsync(_caller)).Status);
    }

    private async Task<DateTime> ReminderStartAsync(IIntentGrain grain) =>
        await fx.ScalarAsync<DateTime>("SELECT starttime FROM orleansreminderstable WHERE serviceid = @service AND grainid = @grain",
            ("service", fx.ServiceId), ("grain", grain.GetGrainId().ToString()));

    [Fact]
    public async Task Get_of_an_unknown_intent_is_not_found()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => Intent(Guid.NewGuid()).GetAsync(_caller));

        Assert.Equal(404, e.Status);
    }

    [Fact]
    public async Task State_survives_deactivation_as_a_typed_row_and_one_event_row_per_write()
    {
        var id = Guid.NewGuid();
        var grain = Intent(id);
        await grain.CreateAsync(TestData.Create(_caller));
        await grain.ResolveAsync(_caller, TestData.Complete(), null);
        var before = await grain.GetAsync(_caller);

        await fx.Cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync(_caller);
        var events = await grain.GetEventsAsync(_caller, 0);

        Assert.Equal(before, after);
        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Seq));
        var row = await fx.RowAsync("""
            SELECT v.version, v.status, v.doc::jsonb ->> 'status', v.last_seq,
                   (SELECT array_agg(e.seq ORDER BY e.seq) FROM axme_intent_event_list e WHERE e.service_id = v.service_id AND e.intent_id = v.intent_id),
                   (SELECT array_agg(e.seq ORDER BY e.seq) FROM axme_intent_events e WHERE e.service_id = v.service_id AND e.intent_id = v.intent_id)
            FROM axme_intents v WHERE v.service_id = @service AND v.intent_id = @id
            """, ("service", fx.ServiceId), ("id", id));
        Assert.NotNull(row);
        Assert.Equal(2, row[0]); // create, resolve: one write each
        Assert.Equal(IntentStatus.Completed, row[1]);
        Assert.Equal(IntentStatus.Completed, row[2]);
        Assert.Equal(4, row[3]);
        Assert.Equal(new[] { 1, 2, 3, 4 }, (int[])row[4]!); // each event stored once
        Assert.Equal(new[] { 1, 3 }, (int[])row[5]!); // in two rows: created+submitted, then in_progress+completed (ADR 033)
    }

    [Fact]
    public async Task An_intent_whose_events_were_stored_one_row_each_reads_them_all_and_appends_a_row_per_write()
    {
        // Rows as written before ADR 033: each event its own JSON object. Moved there from a fresh intent's rows.
        var id = Guid.NewGuid();
        var grain = Intent(id);
        await grain.CreateAsync(TestData.Create(_caller));
        await fx.Cluster.DeactivateAsync(grain);
        await fx.ScalarAsync<object>("""
            WITH old AS (DELETE FROM axme_intent_events WHERE service_id = @service AND intent_id = @id RETURNING doc)
            INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
            SELECT @service, @id, (x ->> 'seq')::int, x::text FROM old, jsonb_array_elements(old.doc::jsonb) x
            """, ("service", fx.ServiceId), ("id", id));
        Assert.Equal(2L, await fx.ScalarAsync<long>("SELECT count(*) FROM axme_intent_events WHERE intent_id = @id", ("id", id)));

        await grain.ResolveAsync(_caller, TestData.Complete(), null);
        await fx.Cluster.DeactivateAsync(grain);

        var events = await grain.GetEventsAsync(_caller, 0);
        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Seq));
        Assert.Equal(IntentStatus.Completed, (await grain.GetAsync(_caller)).Status);
        Assert.Equal(3L, await fx.ScalarAsync<long>("SELECT count(*) FROM axme_intent_events WHERE intent_id = @id", ("id", id)));
        Assert.Equal(4L, await fx.ScalarAsync<long>("SELECT count(*) FROM axme_intent_event_list WHERE intent_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Create_replay_with_the_same_hash_returns_the_original()
    {
        var grain = Intent(Guid.NewGuid());
        var command = TestData.Create(_caller);

        var first = await grain.CreateAsync(command);
        var second = await grain.CreateAsync(command);

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Intent, second.Intent);
        Assert.Equal(first.CreatedStatus, second.CreatedStatus);
        Assert.Equal([1, 2], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Create_with_another_hash_on_the_same_key_is_a_conflict()
    {
        var grain = Intent(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(_caller, requestHash: "hash-1"));

        var e = await Assert.ThrowsAsync<ProtocolException>(() => grain.CreateAsync(TestData.Create(_caller, requestHash: "hash-2")));

        Assert.Equal(409, e.Status);
        Assert.Equal("idempotency_conflict", e.Code);
    }

    [Fact]
    public async Task Concurrent_creates_on_one_key_make_one_intent()
    {
        var grain = Intent(Guid.NewGuid());
        var command = TestData.Create(_caller);

        var results = await Task.WhenAll(grain.CreateAsync(command), grain.CreateAsync(command));

        Assert.Equal([false, true], results.Select(r => r.Replayed).Order());
        Assert.Equal(results[0].Intent, results[1].Intent);
        Assert.Equal([1, 2], (await grain.GetEventsAsync(_caller, 0)).Select(e => e.Seq));
    }

    [Fact]
    public async Task Resolve_replay_with_an_idempotency_key_returns_the_same_result()
    {
        var grain = await CreatedAsync();
        var token = new IdempotencyToken("resolve:sa_sender", "key-1", "hash-a");

        var first = await grain.ResolveAsync(_caller, TestData.Complete(), token);
        var second = await grain.ResolveAsync(_caller, TestData.Complete(), token);
        var conflict = await Assert.ThrowsAsync<ProtocolException>(() =>
            grain.ResolveAsync(_caller, TestData.Complete("""{"other": 1}"""), token with { RequestHash = "hash-b" }));

        Assert.True(first.Applied);
        Assert.Equal(first, second);
        Assert.Equal(IntentEventType.Completed, first.Event?.EventType);
        Assert.Single(await grain.GetEventsAsync(_caller, 0), e => e.IsTerminal);
        Assert.Equal(409, conflict.Status);
        Assert.Equal("idempotency_conflict", conflict.Code);
    }

    [Fact]
    public async Task Resolve_twice_without_a_key_is_a_conflict()
    {
        var grain = await CreatedAsync();
        await grain.ResolveAsync(_caller, TestData.Complete(), null);

        var e = await Assert.ThrowsAsync<ProtocolException>(() =>
            grain.ResolveAsync(_caller, new ResolveCommand { Status = IntentStatus.Canceled, Reason = "late" }, null));

        Assert.Equal(409, e.Status);
        Assert.Equal("intent_already_terminal", e.Code);
        Assert.Equal(IntentStatus.Completed, (await grain.GetAsync(_caller)).Status);
    }

    [Theory]
    [InlineData("other-org", "ops")]
    [InlineData("acme", "other-workspace")]
    public async Task Another_workspace_is_forbidden(string org, string workspace)
    {
        var grain = await CreatedAsync();
        var stranger = TestData.Caller(org, workspace, "sa_stranger");

        var get = await Assert.ThrowsAsync<ProtocolException>(() => grain.GetAsync(stranger));
        var events = await Assert.ThrowsAsync<ProtocolException>(() => grain.GetEventsAsync(stranger, 0));
        var resolve = await Assert.ThrowsAsync<ProtocolException>(() => grain.ResolveAsync(stranger, TestData.Complete(), null));

        Assert.Equal([403, 403, 403], new[] { get.Status, events.Status, resolve.Status });
        Assert.Equal(IntentStatus.Submitted, (await grain.GetAsync(_caller)).Status);
    }

    [Fact]
    public async Task Observer_gets_the_backlog_then_live_events_one_push_per_commit()
    {
        var grain = await CreatedAsync();
        var observer = new RecordingObserver();
        var reference = fx.Client.CreateObjectReference<IIntentObserver>(observer);
        try
        {
            var backlog = await grain.SubscribeAsync(_caller, reference, 0);
            await grain.ResolveAsync(_caller, TestData.Complete(), null);
            await observer.WaitForAsync(2, Timeout);

            Assert.Equal([1, 2], backlog.Select(e => e.Seq));
            // The resolve's two events come in one push, in order, so a listener writes them out together.
            Assert.Equal([[(3, IntentEventType.InProgress), (4, IntentEventType.Completed)]],
                observer.Pushes.Select(p => p.Select(e => (e.Seq, e.EventType)).ToArray()));
        }
        finally
        {
            await grain.UnsubscribeAsync(reference);
            fx.Client.DeleteObjectReference<IIntentObserver>(reference);
        }
    }

    [Fact]
    public async Task A_finished_intent_nobody_listens_to_is_deactivated_when_its_call_is_done()
    {
        var grain = await CreatedAsync();
        var (management, grainId) = Activation(grain);
        Assert.Contains(grainId, await management.GetActiveGrains(grainId.Type));

        await grain.ResolveAsync(_caller, TestData.Complete(), null);

        var active = await Eventually.WaitAsync<List<GrainId>>(() => management.GetActiveGrains(grainId.Type).AsTask(),
            a => !a.Contains(grainId), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(grainId, active);
        Assert.Equal(IntentStatus.Completed, (await grain.GetAsync(_caller)).Status); // read again from its row
    }

    [Fact]
    public async Task A_finished_intent_lets_its_listeners_go_with_the_terminal_event_and_is_deactivated_without_an_unsubscribe()
    {
        var grain = await CreatedAsync();
        var (management, grainId) = Activation(grain);
        var observer = new RecordingObserver();
        var reference = fx.Client.CreateObjectReference<IIntentObserver>(observer);
        try
        {
            await grain.SubscribeAsync(_caller, reference, 0);
            await grain.ResolveAsync(_caller, TestData.Complete(), null);
            await observer.WaitForAsync(2, Timeout);
            Assert.Equal(IntentEventType.Completed, observer.Events[^1].EventType);

            // No UnsubscribeAsync: the listener ends at the terminal event, and the grain no longer counts it.
            var active = await Eventually.WaitAsync<List<GrainId>>(() => management.GetActiveGrains(grainId.Type).AsTask(),
                a => !a.Contains(grainId), TimeSpan.FromSeconds(5));
            Assert.DoesNotContain(grainId, active);

            // A listener that comes later gets the backlog, ending with the terminal event, and keeps nothing activated.
            var backlog = await grain.SubscribeAsync(_caller, reference, 0);
            Assert.Equal(IntentEventType.Completed, backlog[^1].EventType);
            active = await Eventually.WaitAsync<List<GrainId>>(() => management.GetActiveGrains(grainId.Type).AsTask(),
                a => !a.Contains(grainId), TimeSpan.FromSeconds(5));
            Assert.DoesNotContain(grainId, active);
            Assert.Equal(2, observer.Events.Count); // nothing pushed to it after the terminal event
        }
        finally
        {
            fx.Client.DeleteObjectReference<IIntentObserver>(reference);
        }
    }

    private (IManagementGrain Management, GrainId Id) Activation(IIntentGrain grain) =>
        (fx.Client.GetGrain<IManagementGrain>(0), ((GrainReference)grain).GrainId);

    private IIntentGrain Intent(Guid id) => fx.Client.GetGrain<IIntentGrain>(id);

    private async Task<IIntentGrain> CreatedAsync()
    {
        var grain = Intent(Guid.NewGuid());
        await grain.CreateAsync(TestData.Create(_caller));
        return grain;
    }
}
