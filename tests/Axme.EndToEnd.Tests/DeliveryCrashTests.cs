using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>Deliveries survive a SIGKILL: they are durable rows, not in-memory queues.</summary>
public sealed class DeliveryCrashTests
{
    [Fact]
    public async Task Pending_stream_poll_and_http_deliveries_survive_kill_9_and_are_all_delivered_and_finished()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_delivery");
        await using var node = new NodeProcess(db, "delivery-crash");
        // The webhook receiver is down (503) until the node has been killed and restarted: every http
        // delivery is pending in its retry schedule when the node dies.
        var receiverUp = false;
        const string secret = "crash-test-secret-0123456789";
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, _) => Volatile.Read(ref receiverUp) ? 200 : 503);
        try
        {
            await node.StartAsync();
            string streamKey, pollKey, hookKey;
            using (var admin = node.CreateClient())
            {
                streamKey = await AgentKeyAsync(admin, "streamer");
                pollKey = await AgentKeyAsync(admin, "poller");
                hookKey = await AgentKeyAsync(admin, "hooked");
            }
            using (var hook = node.CreateClient(hookKey))
                (await hook.SendJsonAsync(HttpMethod.Put, "/v1/agents/hooked/delivery",
                    new { delivery_mode = "http", webhook_url = receiver.BaseUrl + "/hook", webhook_secret = secret, max_delivery_attempts = 200 })).Ok();
            var sent = new List<(string Id, string Agent)>();
            using (var sender = node.CreateClient())
            {
                using var poll = node.CreateClient(pollKey);
                (await poll.SendJsonAsync(HttpMethod.Put, "/v1/agents/poller/delivery", new { delivery_mode = "poll", lease_seconds = 2, max_delivery_attempts = 10 })).Ok();
                for (var i = 0; i < 300; i++)
                {
                    var agent = (i % 3) switch { 0 => "streamer", 1 => "poller", _ => "hooked" };
                    var r = await sender.PostAsync("/v1/intents", new { intent_type = "intent.test.delivery.v1", to_agent = agent, payload = new { i } });
                    sent.Add((r.Ok()["intent_id"].Str(), agent));
                }
                // Some are already in flight when the node dies: half of the poller's are leased, never acknowledged.
                (await poll.PostAsync("/v1/agents/poller/intents/lease", new { max = 60 })).Ok();
            }
            await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Count), c => c >= 100, TimeSpan.FromSeconds(30), "first http attempts");
            await node.KillAsync();
            await node.StartAsync();
            Volatile.Write(ref receiverUp, true);

            var handled = new HashSet<string>();
            using var streamer = node.CreateClient(streamKey);
            using var poller = node.CreateClient(pollKey);
            long cursor = 0;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (handled.Count < sent.Count && DateTime.UtcNow < deadline)
            {
                var sse = await SseClient.ReadAsync(streamer, $"/v1/agents/streamer/intents/stream?since={cursor}&wait_seconds=1", TimeSpan.FromSeconds(20));
                foreach (var m in sse.Messages.Where(m => m.Event == "intent.delivered"))
                {
                    var id = JsonNode.Parse(m.Data!)!["intent_id"].Str();
                    var r = await streamer.PostAsync($"/v1/intents/{id}/resume", new { action = "complete", by = "streamer" });
                    if (r.Status == HttpStatusCode.OK || r.Body["error"]?["code"]?.GetValue<string>() == "intent_already_terminal") handled.Add(id);
                }
                if (sse.Messages.LastOrDefault(m => m.Event == "stream.timeout") is { } end)
                    cursor = JsonNode.Parse(end.Data!)!["next_seq"]!.GetValue<long>();

                var leased = (await poller.PostAsync("/v1/agents/poller/intents/lease", new { max = 100 })).Ok()["deliveries"]!.AsArray();
                foreach (var d in leased)
                {
                    var id = d!["intent_id"].Str();
                    (await poller.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { by = "poller" } })).Ok();
                    handled.Add(id);
                }
                // The http handler finishes what its receiver accepted (a 2xx), as a real one would after its work.
                using (var hooked = node.CreateClient(hookKey))
                    foreach (var id in receiver.Received.Where(r => r.Answered == 200).Select(r => r.Json["intent_id"].Str()).Distinct().Where(id => !handled.Contains(id)))
                    {
                        var r = await hooked.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { by = "hooked" } });
                        if (r.Status == HttpStatusCode.OK || r.Body["error"]?["code"]?.GetValue<string>() == "intent_already_terminal") handled.Add(id);
                    }
                if (leased.Count == 0 && handled.Count < sent.Count) await Task.Delay(500); // leases taken before the kill run out
            }

            Assert.Equal(sent.Select(s => s.Id).Order(), handled.Order());
            // At-least-once over http: every POST for one intent carries the intent's one delivery id, all signed.
            var received = receiver.Received;
            Assert.All(received, r => Assert.True(r.SignatureValid));
            Assert.All(received.GroupBy(r => r.Json["intent_id"].Str()), g => Assert.Single(g.Select(r => r.Json["delivery_id"].Str()).Distinct()));
            Assert.Equal(100, received.Where(r => r.Answered == 200).Select(r => r.Json["intent_id"].Str()).Distinct().Count());
            using var check = node.CreateClient();
            foreach (var (id, _) in sent)
            {
                var events = (await check.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
                Assert.Single(events, e => e!["event_type"].Str() == "intent.completed");
                Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
            }
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static async Task<string> AgentKeyAsync(HttpClient admin, string name)
    {
        var sa = (await admin.PostAsync("/v1/service-accounts", new { name })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        return (await admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
    }
}
