using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Axme.Grains.Common;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Intents;
using Axme.Silo.Storage;
using Npgsql;

namespace Axme.Grains.Tests.Intents;

/// <summary>The batcher on its own: batches form under concurrency, nothing completes before its batch, failures stay with their batch.</summary>
public sealed class GroupCommitTests
{
    private sealed class Item(int n) : GroupCommit<Item>.Pending
    {
        public int N { get; } = n;
    }

    [Fact]
    public async Task Items_that_arrive_while_a_batch_runs_share_the_next_one_and_complete_only_after_it()
    {
        var batches = new ConcurrentQueue<int[]>();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var first = true;
        await using var commit = new GroupCommit<Item>(async items =>
        {
            batches.Enqueue([.. items.Select(i => i.N)]);
            if (first)
            {
                first = false;
                started.SetResult();
                await release.Task; // the first batch "commits" slowly
            }
            foreach (var i in items) i.Complete();
        }, lanes: 1, maxBatch: 100);

        var head = commit.EnqueueAsync(new Item(0));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var rest = Enumerable.Range(1, 20).Select(n => commit.EnqueueAsync(new Item(n))).ToArray();
        await Task.Delay(100);
        Assert.False(head.IsCompleted); // not before its batch ran to the end
        Assert.All(rest, t => Assert.False(t.IsCompleted));
        release.SetResult();
        await Task.WhenAll(rest.Append(head)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([0], batches.First());
        Assert.Equal(Enumerable.Range(1, 20), batches.Skip(1).SelectMany(b => b).Order());
        Assert.True(batches.Count <= 3, $"{batches.Count} batches for 21 items"); // the 20 waited together
    }

    [Fact]
    public async Task A_quiet_callers_batch_is_sent_on_its_own_thread_and_resumes_on_the_pool_but_under_load_a_lane_gathers()
    {
        var inEnqueue = new ThreadLocal<bool>();
        var batches = new ConcurrentQueue<(int[] Items, bool SentByCaller, TaskScheduler? ResumedUnder)>();
        var gate = new TaskCompletionSource();
        var commit = new GroupCommit<Item>(async items =>
        {
            var byCaller = inEnqueue.Value;
            await gate.Task;
            await Task.Delay(10); // the wait for PostgreSQL's answer
            batches.Enqueue(([.. items.Select(i => i.N)], byCaller, TaskScheduler.Current));
            foreach (var i in items) i.Complete();
        }, lanes: 1, maxBatch: 100);
        // A grain's turn runs under its own scheduler (one at a time): no batch may resume in it.
        var grainTurn = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        Task<Task> Enqueue(int n) => Task.Factory.StartNew(() =>
        {
            inEnqueue.Value = true;
            try { return commit.EnqueueAsync(new Item(n)); } finally { inEnqueue.Value = false; }
        }, CancellationToken.None, TaskCreationOptions.None, grainTurn);

        var first = await Enqueue(1); // nothing running: sent by its caller, then held at the gate
        var queued = new[] { await Enqueue(2), await Enqueue(3) }; // the lane is busy: they wait for it
        gate.SetResult();
        await Task.WhenAll(queued.Append(first)).WaitAsync(TimeSpan.FromSeconds(10));
        await (await Enqueue(4)).WaitAsync(TimeSpan.FromSeconds(10)); // the last batch had two: a lane gathers on the pool
        await commit.DisposeAsync();

        Assert.Equal([[1], [2, 3], [4]], batches.Select(b => b.Items));
        Assert.Equal([true, false, false], batches.Select(b => b.SentByCaller));
        Assert.All(batches, b => Assert.Same(TaskScheduler.Default, b.ResumedUnder));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit.EnqueueAsync(new Item(5)));
    }

    [Fact]
    public async Task A_batch_that_throws_fails_every_item_of_it_and_the_next_batch_still_runs()
    {
        var calls = 0;
        await using var commit = new GroupCommit<Item>(items =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("connection lost");
            foreach (var i in items) i.Complete();
            return Task.CompletedTask;
        }, lanes: 1, maxBatch: 100);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => commit.EnqueueAsync(new Item(1)));
        await commit.EnqueueAsync(new Item(2)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("connection lost", failed.Message);
    }
}

/// <summary>The intents' storage against the test database: batched writes, compare-and-set, a bad write alone failing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IntentStoreTests(ClusterFixture fx)
{
    private IntentStore NewStore() => new(fx.ConnectionString, fx.ServiceId);

    private static IntentState NewState(string? toAgent = null)
    {
        var command = TestData.Create(TestData.Caller());
        if (toAgent is not null) command = command with { ToAgent = toAgent };
        var transition = IntentTransitions.Create(Guid.NewGuid(), command, DateTimeOffset.UtcNow);
        return new IntentState { Intent = transition.Intent, Events = [.. transition.Events], CreateRequestHash = "h" };
    }

    [Fact]
    public async Task Concurrent_writes_share_transactions_and_each_reads_back_with_its_events()
    {
        var sizes = new ConcurrentBag<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == "axme.intents.store.batch") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            foreach (var t in tags) if (t.Key == "kind" && (string?)t.Value == "write") sizes.Add(size);
        });
        listener.Start();
        await using var store = NewStore();
        var states = Enumerable.Range(0, 64).Select(_ => NewState()).ToArray();

        var versions = await Task.WhenAll(states.Select(s => store.WriteAsync(s.Intent!.IntentId, null, 0, s)));
        var read = await Task.WhenAll(states.Select(s => store.ReadAsync(s.Intent!.IntentId)));

        Assert.All(versions, v => Assert.Equal(1, v?.Version));
        for (var i = 0; i < states.Length; i++)
        {
            Assert.Equal(states[i].Intent, read[i]!.Intent);
            Assert.Equal(states[i].Events, read[i]!.Events);
            Assert.Equal("h", read[i]!.Extras.CreateRequestHash);
        }
        Assert.Equal(64, sizes.Sum());
        Assert.True(sizes.Max() > 1, $"every write went alone: {string.Join(",", sizes)}");
    }

    [Fact]
    public async Task A_stale_version_loses_and_only_new_events_are_appended()
    {
        await using var store = NewStore();
        var state = NewState();
        var id = state.Intent!.IntentId;
        var created = await store.WriteAsync(id, null, 0, state);
        Assert.Equal(1, created?.Version);
        // A deliverable intent's write returns the row's delivery cursor (docs/adr/040), the one the agent's stream reads.
        Assert.Equal(await fx.ScalarAsync<long?>("SELECT delivery_seq FROM axme_intents WHERE intent_id = @id", ("id", id)), created?.DeliverySeq);
        Assert.NotNull(created?.DeliverySeq);
        var resolved = IntentTransitions.Resolve(state.Intent, TestData.Complete(), DateTimeOffset.UtcNow);
        var seq = state.Intent.LastSeq;
        state.Intent = resolved.Intent;
        state.Events.AddRange(resolved.Events);

        Assert.Null(await store.WriteAsync(id, null, 0, state)); // a second create of the same id
        Assert.Null(await store.WriteAsync(id, 7, seq, state));  // a version nobody wrote
        var updated = await store.WriteAsync(id, 1, seq, state);
        Assert.Equal(2, updated?.Version);
        Assert.Equal(created?.DeliverySeq, updated?.DeliverySeq); // a row keeps its place in its agent's delivery order

        var stored = await store.ReadAsync(id);
        Assert.Equal(IntentStatus.Completed, stored!.Intent.Status);
        Assert.Equal(Enumerable.Range(1, state.Intent.LastSeq), stored.Events.Select(e => e.Seq));
        Assert.Null(await store.ReadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Creates_updates_and_lost_compare_and_sets_written_together_each_get_their_own_answer()
    {
        await using var store = NewStore();
        var existing = Enumerable.Range(0, 12).Select(_ => NewState()).ToArray();
        await Task.WhenAll(existing.Select(s => store.WriteAsync(s.Intent!.IntentId, null, 0, s)));
        var seq = existing[0].Intent!.LastSeq;
        foreach (var s in existing)
        {
            var resolved = IntentTransitions.Resolve(s.Intent!, TestData.Complete(), DateTimeOffset.UtcNow);
            s.Intent = resolved.Intent;
            s.Events.AddRange(resolved.Events);
        }
        var fresh = Enumerable.Range(0, 12).Select(_ => NewState()).ToArray();

        // All at once, so they share batches (one statement for all the creates of one): a third of the updates right,
        // a third stale, a third creates of ids already written, and new creates.
        var updates = existing.Select((s, i) => store.WriteAsync(s.Intent!.IntentId, (i % 3) switch { 0 => 1, 1 => 5, _ => null }, seq, s)).ToArray();
        var creates = fresh.Select(s => store.WriteAsync(s.Intent!.IntentId, null, 0, s)).ToArray();
        var updated = await Task.WhenAll(updates);
        var created = await Task.WhenAll(creates);

        for (var i = 0; i < existing.Length; i++)
        {
            var id = existing[i].Intent!.IntentId;
            var stored = await store.ReadAsync(id);
            var applied = i % 3 == 0;
            Assert.Equal(applied ? 2 : null, updated[i]?.Version);
            Assert.Equal(applied ? IntentStatus.Completed : IntentStatus.Submitted, stored!.Intent.Status);
            Assert.Equal(applied ? existing[i].Intent!.LastSeq : seq, stored.Events.Count); // a lost write appends no events
        }
        Assert.All(created, w => Assert.Equal(1, w?.Version));
        Assert.All(created, w => Assert.NotNull(w?.DeliverySeq));
        Assert.Equal(created.Length, created.Select(w => w?.DeliverySeq).Distinct().Count());
        foreach (var s in fresh) Assert.Equal(s.Events, (await store.ReadAsync(s.Intent!.IntentId))!.Events);
    }

    [Fact]
    public async Task A_write_PostgreSQL_refuses_fails_alone_and_its_batch_mates_commit()
    {
        await using var store = NewStore();
        var good = Enumerable.Range(0, 20).Select(_ => NewState()).ToArray();
        var bad = NewState(toAgent: "agent://acme/ops/nul\0byte"); // text columns refuse NUL

        var writes = good.Select(s => store.WriteAsync(s.Intent!.IntentId, null, 0, s)).ToList();
        var refused = store.WriteAsync(bad.Intent!.IntentId, null, 0, bad);

        await Assert.ThrowsAsync<PostgresException>(() => refused);
        Assert.All(await Task.WhenAll(writes), v => Assert.Equal(1, v?.Version));
        Assert.All(await Task.WhenAll(good.Select(s => store.ReadAsync(s.Intent!.IntentId))), Assert.NotNull);
        Assert.Null(await store.ReadAsync(bad.Intent.IntentId));
    }

    /// <summary>The transaction that last wrote the intent's row (PostgreSQL's xmin).</summary>
    private async Task<string?> WrittenByAsync(Guid id)
    {
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using var read = db.CreateCommand("SELECT xmin::text FROM axme_intents WHERE intent_id = $1");
        read.Parameters.AddWithValue(id);
        return (string?)await read.ExecuteScalarAsync();
    }

    private static Task<IntentStore.Written?> WriteWithin(JointCommits.Joint joint, IntentStore store, IntentState state)
    {
        using (JointCommits.Enter(joint)) return store.WriteAsync(state.Intent!.IntentId, null, 0, state);
    }

    [Fact]
    public async Task Writes_in_a_joint_wait_for_each_other_and_commit_in_one_transaction_or_the_first_goes_alone_when_sealed()
    {
        await using var store = NewStore();
        var joints = new JointCommits();
        var (step, parent, alone) = (NewState(), NewState(), NewState());

        using (var joint = joints.Open())
        {
            var first = WriteWithin(joint, store, step);
            await Task.Delay(200);
            Assert.False(first.IsCompleted); // held for its partner
            Assert.Null(await store.ReadAsync(step.Intent!.IntentId));
            Assert.Same(joint, joints.Find(joint.Id));
            Assert.Equal(1, (await WriteWithin(joint, store, parent))?.Version);
            Assert.Equal(1, (await first)?.Version);
            Assert.Equal(await WrittenByAsync(step.Intent.IntentId), await WrittenByAsync(parent.Intent!.IntentId));
        }

        var sealedJoint = joints.Open();
        var held = WriteWithin(sealedJoint, store, alone);
        await Task.Delay(100);
        Assert.False(held.IsCompleted);
        sealedJoint.Dispose(); // the partner never came (its parent is on another silo): it goes alone
        Assert.Equal(1, (await held)?.Version);
        Assert.Null(joints.Find(sealedJoint.Id));
        var after = NewState();
        Assert.Equal(1, (await WriteWithin(sealedJoint, store, after))?.Version); // a sealed joint holds nothing back
    }

    [Fact]
    public async Task A_joint_whose_second_write_PostgreSQL_refuses_writes_neither()
    {
        await using var store = NewStore();
        var joints = new JointCommits();
        var step = NewState();
        var bad = NewState(toAgent: "agent://acme/ops/nul\0byte"); // text columns refuse NUL
        var others = Enumerable.Range(0, 8).Select(_ => NewState()).ToArray();

        using var joint = joints.Open();
        var first = WriteWithin(joint, store, step);
        var batchMates = others.Select(s => store.WriteAsync(s.Intent!.IntentId, null, 0, s)).ToList();
        var second = WriteWithin(joint, store, bad);

        await Assert.ThrowsAsync<PostgresException>(() => second);
        await Assert.ThrowsAsync<PostgresException>(() => first);
        Assert.Null(await store.ReadAsync(step.Intent!.IntentId));
        Assert.All(await Task.WhenAll(batchMates), v => Assert.Equal(1, v?.Version)); // the others still commit
    }

    [Fact]
    public async Task Payload_text_is_stored_with_only_the_escapes_JSON_needs_and_rows_of_the_older_spelling_read_the_same()
    {
        await using var store = NewStore();
        var state = NewState();
        const string payload = """{"note":"<b>Grüße</b> & \"quoted\"","n":1}""";
        state.Intent = state.Intent! with { PayloadJson = payload };
        var id = state.Intent.IntentId;
        Assert.Equal(1, (await store.WriteAsync(id, null, 0, state))?.Version);
        Assert.Equal(payload, (await store.ReadAsync(id))!.Intent.PayloadJson);

        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using var read = db.CreateCommand("SELECT doc FROM axme_intents WHERE intent_id = $1");
        read.Parameters.AddWithValue(id);
        var doc = (string)(await read.ExecuteScalarAsync())!;
        Assert.Contains("""\"note\":\"<b>Grüße</b> & """, doc);
        Assert.DoesNotContain("\\u0022", doc);
        Assert.DoesNotContain(":null", doc); // absent reads as null: nulls are not stored

        // A row written before (every quote as \u0022, < as \u003C, non-ASCII escaped) reads back the same payload.
        var legacy = doc.Replace("\\\"", "\\u0022").Replace("<", "\\u003C").Replace("ü", "\\u00FC").Replace("ß", "\\u00DF");
        await using var old = db.CreateCommand("UPDATE axme_intents SET doc = $2 WHERE intent_id = $1");
        old.Parameters.AddWithValue(id);
        old.Parameters.AddWithValue(legacy);
        Assert.Equal(1, await old.ExecuteNonQueryAsync());
        Assert.Equal(payload, (await store.ReadAsync(id))!.Intent.PayloadJson);
    }
}

/// <summary>Hints that an intent id is not stored yet: taken once, and only while fresh.</summary>
public sealed class NewIntentsTests
{
    [Fact]
    public void A_hint_is_taken_once_and_only_within_its_lifetime()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var hints = new NewIntents(clock);
        Guid fresh = Guid.NewGuid(), stale = Guid.NewGuid();

        hints.Add(fresh);
        hints.Add(stale);
        Assert.True(hints.Take(fresh));
        Assert.False(hints.Take(fresh)); // a second activation reads
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.False(hints.Take(stale)); // too old to trust
        Assert.False(hints.Take(Guid.NewGuid()));
    }
}
