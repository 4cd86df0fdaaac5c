using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// Failing soft around faults (issue 12 item 3), on real node processes: a database outage answers 503 with
/// Retry-After (never 500, never a hang) and the node comes back by itself; an agent stream skips an intent it cannot
/// hand out instead of dying with it; nothing after a committed write can turn its answer into an error.
/// </summary>
public sealed class FaultToleranceTests
{
    [Fact]
    public async Task A_database_outage_answers_503_with_Retry_After_makes_the_node_unready_and_the_node_recovers_by_itself()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_outage");
        var (proxy, viaProxy) = FaultProxy.For(db);
        await using var node = new NodeProcess(viaProxy, "outage-test");
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            http.Timeout = TimeSpan.FromSeconds(30);
            var agentKey = await AgentKeyAsync(http, "outage-agent");
            using var agent = node.CreateClient(agentKey);
            (await http.PostAsync("/v1/intents", Body(0), "outage-0")).Ok();

            proxy.Down();
            // Requests that need the database fail fast, with the status and header every client retries on.
            var started = DateTime.UtcNow;
            var refused = await http.PostAsync("/v1/intents", Body(1), "outage-1");
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"took {DateTime.UtcNow - started}");
            refused.Error(HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Message.Headers.RetryAfter?.Delta);
            var ready = await http.GetJsonAsync("/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
            Assert.Equal("unavailable", ready.Body["checks"]!["postgres"].Str());
            // An agent stream says so before it starts (a 200 that then drops would be retried at once).
            var stream = await SseClient.ReadAsync(agent, "/v1/agents/outage-agent/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(30));
            Assert.Equal(503, stream.StatusCode);
            Assert.Contains("\"unavailable\"", stream.Raw.ToString());
            Assert.DoesNotContain("Unhandled error", node.Output);

            proxy.Up();
            // Back by itself, without a restart: the refused create, retried with its key, lands once.
            await TwoNodeClusterTests.Eventually(async () => (await http.GetJsonAsync("/ready")).Status == HttpStatusCode.OK, 60);
            JsonObject? created = null;
            await TwoNodeClusterTests.Eventually(async () =>
            {
                var r = await http.PostAsync("/v1/intents", Body(1), "outage-1");
                if (r.Status == HttpStatusCode.OK) created = r.Body;
                return created is not null;
            }, 60);
            var again = (await http.PostAsync("/v1/intents", Body(1), "outage-1")).Ok();
            Assert.Equal(created!["intent_id"].Str(), again["intent_id"].Str());
            var delivered = await SseClient.ReadAsync(agent, "/v1/agents/outage-agent/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(20));
            Assert.Equal(2, delivered.Messages.Count(m => m.Event == "intent.delivered"));
        }
        finally
        {
            await node.DisposeAsync();
            await proxy.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task An_intent_whose_DELIVERED_cannot_be_written_is_handed_out_again_until_it_is()
    {
        // By default DELIVERED rides on the intent's next write, or is written shortly after (docs/adr/031): the agent
        // has the intent before it is written, so one that cannot be written stays SUBMITTED and is handed out again
        // (at least once, with the same delivery id).
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_redeliver");
        await using var node = new NodeProcess(db, "redeliver-test", new Dictionary<string, string> { ["Axme__Api__SseKeepAlive"] = "00:00:01" });
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            using var agent = node.CreateClient(await AgentKeyAsync(http, "redeliver-agent"));
            var stuck = (await http.PostAsync("/v1/intents", Body(0, "redeliver-agent"))).Ok()["intent_id"].Str();
            await RefuseUpdatesAsync(db, stuck);

            var first = await SseClient.ReadAsync(agent, "/v1/agents/redeliver-agent/intents/stream?since=0&wait_seconds=2", TimeSpan.FromSeconds(30));
            var handed = first.Messages.Where(m => m.Event == "intent.delivered").Select(m => JsonNode.Parse(m.Data!)!).ToList();
            Assert.Equal([stuck], handed.Select(d => d["intent_id"].Str())); // once per window
            Assert.Equal("DELIVERED", handed[0]["status"].Str());
            Assert.Contains("its DELIVERED could not be written", node.Output);
            await TwoNodeClusterTests.Eventually(async () =>
                (await http.GetJsonAsync($"/v1/intents/{stuck}")).Ok()["intent"]!["status"].Str() == "SUBMITTED", 20);

            // Handed out again whatever the cursor, and DELIVERED for good once the write goes through.
            await TestPostgres.ScalarAsync<int>(db, "DROP TRIGGER axme_test_refuse ON axme_intents; SELECT 1;");
            var cursor = JsonNode.Parse(first.Messages[^1].Data!)!["next_seq"]!.GetValue<long>();
            var next = await SseClient.ReadAsync(agent, $"/v1/agents/redeliver-agent/intents/stream?since={cursor}&wait_seconds=3", TimeSpan.FromSeconds(30),
                stopWhen: m => m.Event == "intent.delivered");
            var again = JsonNode.Parse(next.Messages.First(m => m.Event == "intent.delivered").Data!)!;
            Assert.Equal(stuck, again["intent_id"].Str());
            Assert.Equal(handed[0]["delivery_id"].Str(), again["delivery_id"].Str());
            await TwoNodeClusterTests.Eventually(async () =>
                (await http.GetJsonAsync($"/v1/intents/{stuck}/events")).Ok()["events"]!.AsArray().Any(e => e!["event_type"].Str() == "intent.delivered"), 20);
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task An_agent_stream_skips_an_intent_it_cannot_mark_delivered_and_hands_it_out_once_it_can()
    {
        // With DELIVERED written before the message is sent (Axme:Intents:DeliveredWriteDelay = 0, docs/adr/031).
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_skip");
        await using var node = new NodeProcess(db, "skip-test", new Dictionary<string, string>
        {
            ["Axme__Api__SseKeepAlive"] = "00:00:01",
            ["Axme__Intents__DeliveredWriteDelay"] = "00:00:00",
        });
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            using var agent = node.CreateClient(await AgentKeyAsync(http, "skip-agent"));
            var stuck = (await http.PostAsync("/v1/intents", Body(0, "skip-agent"))).Ok()["intent_id"].Str();
            var others = new List<string>();
            for (var i = 1; i <= 3; i++) others.Add((await http.PostAsync("/v1/intents", Body(i, "skip-agent"))).Ok()["intent_id"].Str());
            // The database refuses every write of one intent: its DELIVERED mark fails, nothing else does.
            await RefuseUpdatesAsync(db, stuck);

            var first = await SseClient.ReadAsync(agent, "/v1/agents/skip-agent/intents/stream?since=0&wait_seconds=3", TimeSpan.FromSeconds(30));
            Assert.Equal(200, first.StatusCode);
            var handed = first.Messages.Where(m => m.Event == "intent.delivered").Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()).ToList();
            Assert.Equal(others.Order(), handed.Order());
            Assert.Equal("stream.timeout", first.Messages[^1].Event); // the window ran to its end, not aborted
            Assert.Equal("SUBMITTED", (await http.GetJsonAsync($"/v1/intents/{stuck}")).Ok()["intent"]!["status"].Str());

            // Once the write goes through, the next window (or keepalive of an open one) hands it out.
            await TestPostgres.ScalarAsync<int>(db, "DROP TRIGGER axme_test_refuse ON axme_intents; SELECT 1;");
            var cursor = JsonNode.Parse(first.Messages[^1].Data!)!["next_seq"]!.GetValue<long>();
            var next = await SseClient.ReadAsync(agent, $"/v1/agents/skip-agent/intents/stream?since={cursor}&wait_seconds=3", TimeSpan.FromSeconds(30),
                stopWhen: m => m.Event == "intent.delivered");
            Assert.Equal(stuck, JsonNode.Parse(next.Messages.First(m => m.Event == "intent.delivered").Data!)!["intent_id"].Str());
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task An_agent_stream_whose_mark_times_out_sends_nothing_past_it_so_a_listener_resuming_from_its_last_id_still_gets_it()
    {
        // A mark whose answer is lost may still commit DELIVERED: had the stream sent the intents after it, a listener
        // resuming from its last id would never be handed this one (a DELIVERED intent behind the cursor is not read again).
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_unknown");
        await using var node = new NodeProcess(db, "unknown-test", new Dictionary<string, string>
        {
            ["Axme__ResponseTimeout"] = "00:00:02",
            ["Axme__Api__SseKeepAlive"] = "00:00:01",
            ["Axme__Intents__DeliveredWriteDelay"] = "00:00:00", // the mark is a write (docs/adr/031)
        });
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            using var agent = node.CreateClient(await AgentKeyAsync(http, "slow-agent"));
            var slow = (await http.PostAsync("/v1/intents", Body(0, "slow-agent"))).Ok()["intent_id"].Str();
            // The DELIVERED mark of that one intent takes 8 s to commit: its caller times out after 2 s, the write commits.
            await TestPostgres.ScalarAsync<int>(db, $$"""
                CREATE FUNCTION axme_test_slow() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN PERFORM pg_sleep(8); RETURN NEW; END $f$;
                CREATE TRIGGER axme_test_slow BEFORE UPDATE ON axme_intents FOR EACH ROW
                    WHEN (OLD.intent_id = '{{slow}}' AND NEW.status = 'DELIVERED' AND OLD.status = 'SUBMITTED') EXECUTE FUNCTION axme_test_slow();
                SELECT 1;
                """);

            // The first window: the slow mark is in flight, then three more intents arrive (their marks commit at once,
            // on the other write lane).
            var others = new List<string>();
            var first = SseClient.ReadAsync(agent, "/v1/agents/slow-agent/intents/stream?since=0&wait_seconds=5", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(1));
            for (var i = 1; i <= 3; i++) others.Add((await http.PostAsync("/v1/intents", Body(i, "slow-agent"))).Ok()["intent_id"].Str());
            var window = await first;
            Assert.Equal(200, window.StatusCode);
            Assert.Equal("stream.timeout", window.Messages[^1].Event);
            var handed = window.Messages.Where(m => m.Event == "intent.delivered").ToList();
            Assert.DoesNotContain(handed, m => JsonNode.Parse(m.Data!)!["intent_id"].Str() != slow && !others.Contains(JsonNode.Parse(m.Data!)!["intent_id"].Str()));

            // The listener resumes from the last id it saw (none: from the start) and is handed every intent not yet handed,
            // once the slow mark has committed DELIVERED: from then on only the listener's cursor decides whether that
            // intent is read again, so nothing may have been sent past it, neither from a read nor from the wake-ups that
            // came while its mark was held (docs/adr/042).
            await Poll.UntilAsync(() => TestPostgres.ScalarAsync<string>(db, "SELECT status FROM axme_intents WHERE intent_id = @id",
                ("id", Guid.Parse(slow))), s => s == "DELIVERED", TimeSpan.FromSeconds(30), "the slow mark's commit");
            var all = handed.Select(m => JsonNode.Parse(m.Data!)!["intent_id"].Str()).ToHashSet();
            await SseClient.ReadAsync(agent, "/v1/agents/slow-agent/intents/stream?wait_seconds=20", TimeSpan.FromSeconds(40),
                stopWhen: m => m.Event == "intent.delivered" && all.Add(JsonNode.Parse(m.Data!)!["intent_id"].Str()) && all.Count == 4,
                configure: r => { if (handed.LastOrDefault()?.Id is { } id) r.Headers.Add("Last-Event-ID", id); });
            Assert.Contains(slow, all);
            Assert.Superset(others.ToHashSet(), all);
            Assert.Equal("DELIVERED", (await http.GetJsonAsync($"/v1/intents/{slow}")).Ok()["intent"]!["status"].Str());
            Assert.Contains("holds the stream at its cursor", node.Output); // the path under test was taken
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task A_scenario_whose_step_intent_the_database_refuses_is_refused_whole_and_applies_with_the_same_key_once_it_is_taken()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_aftercommit");
        await using var node = new NodeProcess(db, "aftercommit-test");
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            await AgentKeyAsync(http, "step-agent");
            // The database refuses the step intent's row (a row for the step agent that waits for no child). The step
            // intent is created in the transaction of the parent's write that entered the step (docs/adr/039): that
            // transaction fails whole.
            await TestPostgres.ScalarAsync<int>(db, """
                CREATE FUNCTION axme_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN RAISE EXCEPTION 'refused for the test'; END $f$;
                CREATE TRIGGER axme_test_refuse BEFORE INSERT ON axme_intents FOR EACH ROW
                    WHEN (NEW.to_agent = 'agent://default/default/step-agent' AND NEW.waiting_child IS NULL) EXECUTE FUNCTION axme_test_refuse();
                SELECT 1;
                """);
            var bundle = new JsonObject
            {
                ["scenario_id"] = "fault.after_commit.v1",
                ["agents"] = new JsonArray(new JsonObject { ["role"] = "handler", ["address"] = "step-agent", ["create_if_missing"] = false }),
                ["workflow"] = new JsonObject
                {
                    ["steps"] = new JsonArray(new JsonObject { ["step_id"] = "handle", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = "handler" }),
                },
                ["intent"] = new JsonObject { ["type"] = "intent.test.fault.v1", ["payload"] = new JsonObject { ["i"] = 1 } },
            };

            // Not accepted, and nothing written: no parent without its step, no step without its parent.
            var refused = (await http.PostAsync("/v1/scenarios/apply", bundle, "after-commit-1")).Error(HttpStatusCode.InternalServerError, "internal_error");
            Assert.DoesNotContain("refused for the test", refused.Text); // the database's words stay in the log
            Assert.Contains("was not created in one transaction with it", node.Output);
            Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM axme_intents"));

            // Once the database takes it, the client's retry with the same key applies it: the parent and its step intent.
            await TestPostgres.ScalarAsync<int>(db, "DROP TRIGGER axme_test_refuse ON axme_intents; SELECT 1;");
            var applied = (await http.PostAsync("/v1/scenarios/apply", bundle, "after-commit-1")).Ok();
            Assert.False(applied["idempotent"]!.GetValue<bool>());
            Assert.Equal("WAITING", (await http.GetJsonAsync($"/v1/intents/{applied["intent_id"].Str()}")).Ok()["intent"]!["status"].Str());
            Assert.Equal(2L, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM axme_intents"));
            var replay = (await http.PostAsync("/v1/scenarios/apply", bundle, "after-commit-1")).Ok();
            Assert.Equal(applied["intent_id"].Str(), replay["intent_id"].Str());
            Assert.True(replay["idempotent"]!.GetValue<bool>());
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task While_a_killed_node_is_evicted_its_grains_answer_503_with_Retry_After_on_the_survivor_then_200()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_evict");
        await using var a = new NodeProcess(db, "evict-test");
        await using var b = new NodeProcess(db, "evict-test");
        try
        {
            await a.StartAsync();
            await b.StartAsync();
            using var viaA = a.CreateClient();
            await TwoNodeClusterTests.Eventually(async () => (await viaA.GetJsonAsync("/ready")).Body["checks"]!["active_silos"]!.GetValue<int>() == 2);
            // Intents created through both nodes: their grains live on both silos.
            using var viaB = b.CreateClient();
            var ids = new List<string>();
            for (var i = 0; i < 40; i++)
                ids.Add((await (i % 2 == 0 ? viaA : viaB).PostAsync("/v1/intents", Body(i, "evict-agent"))).Ok()["intent_id"].Str());

            await b.KillAsync();
            var statuses = new Dictionary<HttpStatusCode, int>();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            var pending = ids.ToHashSet();
            while (pending.Count > 0 && DateTime.UtcNow < deadline)
            {
                foreach (var id in pending.ToArray())
                {
                    var r = await viaA.GetJsonAsync($"/v1/intents/{id}");
                    statuses[r.Status] = statuses.GetValueOrDefault(r.Status) + 1;
                    if (r.Status == HttpStatusCode.OK) pending.Remove(id);
                    else
                    {
                        // Never a 500: the dead silo's grains are "come back in a moment", in the header clients read.
                        r.Error(HttpStatusCode.ServiceUnavailable, "unavailable");
                        Assert.NotNull(r.Message.Headers.RetryAfter);
                    }
                }
                await Task.Delay(100);
            }
            Assert.Empty(pending); // served again by the survivor
            Assert.DoesNotContain("Unhandled error", a.Output);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>The database refuses every update of one intent's row (dropped with <c>DROP TRIGGER axme_test_refuse ON axme_intents</c>).</summary>
    private static Task RefuseUpdatesAsync(string db, string intentId) => TestPostgres.ScalarAsync<int>(db, $$"""
        CREATE FUNCTION axme_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN RAISE EXCEPTION 'refused for the test'; END $f$;
        CREATE TRIGGER axme_test_refuse BEFORE UPDATE ON axme_intents FOR EACH ROW
            WHEN (OLD.intent_id = '{{intentId}}') EXECUTE FUNCTION axme_test_refuse();
        SELECT 1;
        """);

    private static object Body(int i, string agent = "outage-agent") => new
    {
        intent_type = "intent.test.fault.v1",
        to_agent = $"agent://default/default/{agent}",
        payload = new { i },
    };

    private static async Task<string> AgentKeyAsync(HttpClient admin, string name)
    {
        var sa = (await admin.PostAsync("/v1/service-accounts", new { name, delivery_mode = "stream" })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        return (await admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
    }
}
