using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

public sealed class TwoNodeClusterTests
{
    [Fact]
    public async Task Two_nodes_on_one_database_form_one_cluster_and_serve_the_same_intents()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_two");
        await using var a = new NodeProcess(db, "two-nodes");
        await using var b = new NodeProcess(db, "two-nodes");
        try
        {
            await a.StartAsync();
            await b.StartAsync();
            using var viaA = a.CreateClient();
            using var viaB = b.CreateClient();

            // Both nodes see both silos as active members of one Orleans cluster (ADO.NET clustering).
            await Eventually(async () => (await viaB.GetJsonAsync("/ready")).Body["checks"]!["active_silos"]!.GetValue<int>() == 2);
            Assert.Equal(2, await TestPostgres.ScalarAsync<long>(db,
                "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = 'two-nodes' AND status = 3"));

            var ids = new List<string>();
            for (var i = 0; i < 10; i++)
                ids.Add((await viaA.PostAsync("/v1/intents", new { intent_type = "intent.test.cluster.v1", to_agent = "agent://default/default/w", payload = new { i } }))
                    .Ok()["intent_id"].Str());
            foreach (var id in ids)
            {
                Assert.Equal("SUBMITTED", (await viaB.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
                var resolved = (await viaB.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { by = "b" } })).Ok();
                Assert.Equal("intent.completed", resolved["event"]!["event_type"].Str());
                Assert.Equal("COMPLETED", (await viaA.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());
            }
            var listed = (await viaA.GetJsonAsync("/v1/intents?status=COMPLETED&limit=100")).Ok()["intents"]!.AsArray();
            Assert.Equal(ids.Order(), listed.Select(i => i!["intent_id"].Str()).Order());

            // A stream opened on one node hears an event committed through the other.
            var id2 = (await viaA.PostAsync("/v1/intents", new { intent_type = "intent.test.cluster.v1", to_agent = "agent://default/default/w" })).Ok()["intent_id"].Str();
            var opened = new TaskCompletionSource();
            var reading = SseClient.ReadAsync(viaA, $"/v1/intents/{id2}/events/stream?since=2&wait_seconds=20", TimeSpan.FromSeconds(30), onOpen: () => opened.TrySetResult());
            await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(300);
            (await viaB.PostAsync($"/v1/intents/{id2}/resolve", new { status = "CANCELED", reason = "from b" })).Ok();
            var sse = await reading;
            Assert.Equal("intent.canceled", sse.Messages.First(m => m.Id is not null).Event);

            // A key both nodes keep the answer of (ADR 034) is refused by both as soon as its revoke returns, whichever
            // node holds its grain: the revoke tells every silo that kept it.
            var sa = (await viaA.PostAsync("/v1/service-accounts", new { name = "revokee" })).Ok();
            var saId = sa["service_account"]!["service_account_id"].Str();
            var key = (await viaA.PostAsync($"/v1/service-accounts/{saId}/keys", new { })).Ok()["key"]!;
            using var keyA = a.CreateClient(key["token"].Str());
            using var keyB = b.CreateClient(key["token"].Str());
            for (var i = 0; i < 3; i++)
            {
                (await keyA.GetJsonAsync("/v1/intents?limit=1")).Ok();
                (await keyB.GetJsonAsync("/v1/intents?limit=1")).Ok();
            }
            (await viaB.PostAsync($"/v1/service-accounts/{saId}/keys/{key["key_id"].Str()}/revoke")).Ok();
            (await keyA.GetJsonAsync("/v1/intents?limit=1")).Error(System.Net.HttpStatusCode.Unauthorized, "invalid_platform_api_key");
            (await keyB.GetJsonAsync("/v1/intents?limit=1")).Error(System.Net.HttpStatusCode.Unauthorized, "invalid_platform_api_key");

            // An agent's record both nodes keep (a scenario apply reads it there) shows a change made through either
            // node as soon as the change returns: the agent's grain tells every silo that kept it (ADR 034).
            var bundle = new JsonObject
            {
                ["scenario_id"] = "cluster.kept_agent.v1",
                ["agents"] = new JsonArray(new JsonObject { ["role"] = "handler", ["address"] = "revokee", ["create_if_missing"] = false }),
                ["workflow"] = new JsonObject
                {
                    ["steps"] = new JsonArray(new JsonObject { ["step_id"] = "handle", ["tool_id"] = "tool.agent.task.v1", ["assigned_to"] = "handler" }),
                },
                ["intent"] = new JsonObject { ["type"] = "intent.test.cluster.v1", ["payload"] = new JsonObject() },
            };
            async Task<string> ModeVia(HttpClient node) =>
                (await node.PostAsync("/v1/scenarios/apply", bundle)).Ok()["agents_provisioned"]![0]!["delivery_mode"].Str();
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal("stream", await ModeVia(viaA));
                Assert.Equal("stream", await ModeVia(viaB));
            }
            (await viaB.SendJsonAsync(HttpMethod.Put, "/v1/agents/default/default/revokee/delivery", new { delivery_mode = "poll" })).Ok();
            Assert.Equal("poll", await ModeVia(viaA));
            Assert.Equal("poll", await ModeVia(viaB));

            // Each of those six scenarios, applied through either node, has its one step intent waiting for its agent:
            // created in the transaction of the parent's write where both activations share a silo (docs/adr/039), else
            // by the parent once its own write committed (or by the hand-off sweep).
            const string started = """
                SELECT count(*) FROM axme_intents p JOIN axme_intents c ON c.service_id = p.service_id AND c.intent_id = p.waiting_child
                WHERE p.intent_type = 'intent.test.cluster.v1' AND p.status = 'WAITING' AND c.status = 'SUBMITTED'
                """;
            await Eventually(async () => await TestPostgres.ScalarAsync<long>(db, started) == 6);
            Assert.Equal(12L, await TestPostgres.ScalarAsync<long>(db,
                "SELECT count(*) FROM axme_intents WHERE intent_type = 'intent.test.cluster.v1' AND status IN ('WAITING', 'SUBMITTED')"));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    internal static async Task Eventually(Func<Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or NullReferenceException)
            {
                // not yet
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"condition not met within {seconds} s");
    }
}
