using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>Durability on real processes: SIGKILL while requests are in flight, then restart on the same data.</summary>
public sealed class CrashRecoveryTests
{
    private static readonly string[] Terminal = ["COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"];

    /// <summary>
    /// With 64 clients the intents' writes are group-committed (many intents per transaction), so the kill lands
    /// while batches are committing: still no acknowledged write is lost and no batch is half there.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    public async Task Kill_9_under_load_loses_no_acknowledged_intent_and_never_duplicates_a_terminal_event(int clients)
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_kill");
        await using var node = new NodeProcess(db, "kill-test");
        try
        {
            await node.StartAsync();
            var createdAck = new ConcurrentDictionary<string, string>(); // intent id -> idempotency key
            var resolvedAck = new ConcurrentBag<string>();
            var unknown = new ConcurrentBag<string>(); // idempotency keys whose create got no answer
            using var stop = new CancellationTokenSource();
            var started = 0;

            async Task Worker(int w)
            {
                using var http = node.CreateClient();
                http.Timeout = TimeSpan.FromSeconds(10);
                for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
                {
                    var key = $"kill-{w}-{i}";
                    string? id = null;
                    try
                    {
                        Interlocked.Increment(ref started);
                        var created = await http.PostAsync("/v1/intents", Body(w, i), key);
                        if (created.Status != HttpStatusCode.OK) { unknown.Add(key); continue; }
                        id = created["intent_id"].Str();
                        createdAck[id] = key;
                        var resolved = await http.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { w, i } });
                        if (resolved.Status == HttpStatusCode.OK) resolvedAck.Add(id);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
                    {
                        if (id is null) unknown.Add(key);
                        return; // the node is gone
                    }
                }
            }

            var workers = Enumerable.Range(0, clients).Select(Worker).ToArray();
            await TwoNodeClusterTests.Eventually(() => Task.FromResult(resolvedAck.Count >= 150), 60);
            await node.KillAsync(); // SIGKILL with requests in flight
            stop.Cancel();
            await Task.WhenAll(workers);
            Assert.True(createdAck.Count >= 150, $"only {createdAck.Count} creates acknowledged");

            await node.StartAsync();
            using var http = node.CreateClient();
            foreach (var (id, _) in createdAck)
            {
                var intent = (await http.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
                var events = (await http.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
                Assert.Equal("intent.created", events[0]!["event_type"].Str());
                Assert.True(events.Count(e => Terminal.Contains(e!["status"].Str())) <= 1, $"{id} has two terminal events");
                Assert.Equal(intent["last_seq"]!.GetValue<int>(), events.Count);
            }
            foreach (var id in resolvedAck)
            {
                var events = (await http.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() == "intent.completed");
                Assert.Equal("COMPLETED", events[^1]!["status"].Str());
            }

            // The typed columns never drift from the record, and no write was cut in half by the kill: every intent row
            // has exactly its events (1..last_seq) and no event is without its row.
            var drift = await TestPostgres.ScalarAsync<long>(db, """
                SELECT count(*) FROM axme_intents v
                WHERE v.status <> v.doc::jsonb ->> 'status' OR v.last_seq <> (v.doc::jsonb ->> 'last_seq')::int
                   OR v.last_seq <> (SELECT count(*) FROM axme_intent_event_list e WHERE e.service_id = v.service_id AND e.intent_id = v.intent_id)
                """);
            Assert.Equal(0, drift);
            Assert.Equal(0, await TestPostgres.ScalarAsync<long>(db, """
                SELECT count(*) FROM axme_intent_events e
                WHERE NOT EXISTS (SELECT 1 FROM axme_intents v WHERE v.service_id = e.service_id AND v.intent_id = e.intent_id)
                """));

            // A client that got no answer retries with its Idempotency-Key: exactly one intent results.
            foreach (var key in unknown.Take(20))
            {
                var parts = key.Split('-');
                var retry = (await http.PostAsync("/v1/intents", Body(int.Parse(parts[1]), int.Parse(parts[2])), key)).Ok();
                var again = (await http.PostAsync("/v1/intents", Body(int.Parse(parts[1]), int.Parse(parts[2])), key)).Ok();
                Assert.Equal(retry["intent_id"].Str(), again["intent_id"].Str());
            }
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task A_deadline_that_passes_while_the_node_is_down_fires_at_the_next_start()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_deadline");
        await using var node = new NodeProcess(db, "deadline-test", new Dictionary<string, string>
        {
            // A long reminder period: the timeout after restart must come from the start-up sweep, not a periodic tick.
            ["Axme__Intents__DeadlineReminderPeriod"] = "00:10:00",
        });
        try
        {
            await node.StartAsync();
            using (var http = node.CreateClient())
            {
                var id = (await http.PostAsync("/v1/intents", new
                {
                    intent_type = "intent.test.deadline.v1",
                    to_agent = "agent://default/default/w",
                    deadline_at = DateTimeOffset.UtcNow.AddSeconds(4).ToString("O"),
                })).Ok()["intent_id"].Str();
                await node.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(6)); // the deadline passes while nothing runs

                await node.StartAsync();
                using var after = node.CreateClient();
                JsonNode? intent = null;
                await TwoNodeClusterTests.Eventually(async () =>
                {
                    intent = (await after.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"];
                    return intent!["status"].Str() == "TIMED_OUT";
                }, 30);
                Assert.Equal("intent_timeout", intent!["error"]!["code"].Str());
                var events = (await after.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() == "intent.timed_out");
            }
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task A_reminder_due_while_the_node_is_down_fires_when_it_is_back()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_reminder");
        await using var node = new NodeProcess(db, "reminder-test");
        try
        {
            await node.StartAsync();
            string id;
            using (var http = node.CreateClient())
            {
                id = (await http.PostAsync("/v1/intents", new
                {
                    intent_type = "intent.test.reminder.v1",
                    to_agent = "agent://default/default/approver",
                    human_task = new { title = "Approve", assignees = new[] { "human:ops@example.com" } },
                    remind_after_seconds = 4, max_reminders = 1, escalate_to = "human:boss@example.com",
                })).Ok()["intent_id"].Str();
            }
            await node.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(7)); // the reminder (4 s) falls due while nothing runs

            await node.StartAsync();
            using var after = node.CreateClient();
            JsonArray? events = null;
            await TwoNodeClusterTests.Eventually(async () =>
            {
                events = (await after.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                return events.Any(e => e!["event_type"].Str() == "intent.escalated");
            }, 40);
            Assert.Single(events!, e => e!["event_type"].Str() == "intent.reminder");
            var escalated = events!.Single(e => e!["event_type"].Str() == "intent.escalated")!;
            Assert.Equal("human:boss@example.com", escalated["details"]!["escalated_to"].Str());
            Assert.Equal("WAITING", (await after.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static object Body(int w, int i) => new
    {
        intent_type = "intent.test.crash.v1",
        to_agent = "agent://default/default/worker",
        payload = new { w, i, text = "payload of a durable intent" },
    };
}
