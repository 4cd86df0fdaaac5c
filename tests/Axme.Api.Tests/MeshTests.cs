using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// The agent mesh over HTTP (the official SDKs' mesh routes): heartbeats with and without a body, the workspace's agents
/// with their health, and kill/resume: streams end at once, nothing is delivered or lost meanwhile, both are logged.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class MeshTests(NodeFixture f)
{
    /// <summary>A workspace with an operator key (it creates the agents, so it may kill them) and an agent of its own with a key.</summary>
    private async Task<(HttpClient Operator, HttpClient Agent, string AgentId, string Address, string Ws)> MeshAsync(object? delivery = null)
    {
        var ws = "m" + Guid.NewGuid().ToString("N")[..8];
        var (op, _) = await f.TenantAsync("mesh", ws, "operator");
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(delivery ?? new { delivery_mode = "stream" }))!.AsObject();
        body["name"] = "worker";
        var sa = (await op.PostAsync("/v1/service-accounts", body.ToJsonString())).Ok()["service_account"]!;
        var id = sa["service_account_id"].Str();
        var key = (await op.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
        return (op, f.Node.CreateClient(key), id, sa["agent_address"].Str(), ws);
    }

    [Fact]
    public async Task Heartbeats_with_or_without_a_body_make_an_agent_healthy_and_its_metrics_show_in_the_list()
    {
        var (op, agent, id, address, _) = await MeshAsync();
        var listed = (await op.GetJsonAsync("/v1/mesh/agents")).Ok();
        var before = listed["agents"]!.AsArray().Single(a => a!["address"].Str() == address)!;
        Assert.Equal("unknown", before["health_status"].Str());
        Assert.Equal("never", before["status"].Str());

        // The SDKs' heartbeat without metrics sends no body at all.
        using (var bare = new HttpRequestMessage(HttpMethod.Post, "/v1/mesh/heartbeat"))
            Assert.Equal(HttpStatusCode.OK, (await agent.SendAsync(bare)).StatusCode);
        var beat = (await agent.PostAsync("/v1/mesh/heartbeat", new
        {
            metrics = new { intents_total = 10, intents_succeeded = 4, intents_failed = 6, avg_latency_ms = 80.0, cost_usd = 0.5 },
            version = "2.1.0", metadata = new { region = "eu" },
        })).Ok()["agent"]!;
        Assert.Equal(id, beat["address_id"].Str());
        Assert.Equal("degraded", beat["health_status"].Str()); // online, but 60 % of what it reported failed
        Assert.Equal(0.6, beat["failure_rate"]!.GetValue<double>(), 3);

        var list = (await op.GetJsonAsync("/v1/mesh/agents?window=week")).Ok();
        var seen = list["agents"]!.AsArray().Single(a => a!["address"].Str() == address)!;
        Assert.Equal("online", seen["status"].Str());
        Assert.Equal(10, seen["intents_period"]!.GetValue<long>());
        Assert.Equal(0.5, seen["cost_period"]!.GetValue<double>(), 6);
        Assert.Equal("2.1.0", seen["version"].Str());
        Assert.Equal("eu", seen["metadata"]!["region"].Str());
        Assert.Equal(2, list["summary"]!["total"]!.GetValue<int>()); // the worker and the operator (an agent too)
        Assert.Equal(1, list["summary"]!["degraded"]!.GetValue<int>());
        Assert.Equal([address], (await op.GetJsonAsync("/v1/mesh/agents?health=degraded")).Ok()["agents"]!.AsArray().Select(a => a!["address"].Str()));
        (await op.GetJsonAsync("/v1/mesh/agents?window=year")).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await op.GetJsonAsync("/v1/mesh/agents?health=sleepy")).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        Assert.Equal("agent.online", (await op.GetJsonAsync($"/v1/mesh/agents/{id}")).Ok()["events"]![0]!["event_type"].Str());
        (await agent.PostAsync("/v1/mesh/heartbeat", new { metrics = "lots" })).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await agent.PostAsync("/v1/mesh/heartbeat?owner_agent=operator")).Error(HttpStatusCode.Forbidden, "forbidden"); // not for another agent
        (await f.B.GetJsonAsync($"/v1/mesh/agents/{id}")).Error(HttpStatusCode.NotFound, "agent_not_found"); // another workspace
    }

    [Fact]
    public async Task A_killed_agent_loses_its_stream_at_once_gets_nothing_and_sends_nothing_then_resumed_it_gets_what_waited()
    {
        var (op, agent, id, address, ws) = await MeshAsync();
        var colleague = (await f.TenantAsync("mesh", ws, "colleague")).Client;
        var stream = SseClient.ReadAsync(agent, "/v1/agents/worker/intents/stream?since=0&wait_seconds=30", TimeSpan.FromSeconds(40));
        await Task.Delay(500); // the stream is open and subscribed

        (await colleague.PostAsync($"/v1/mesh/agents/{id}/kill", new { })).Error(HttpStatusCode.Forbidden, "not_account_owner");
        var started = DateTimeOffset.UtcNow;
        var killed = (await op.PostAsync($"/v1/mesh/agents/{id}/kill", new { reason = "loops on every intent" })).Ok()["agent"]!;
        Assert.Equal("killed", killed["health_status"].Str());
        Assert.Equal("loops on every intent", killed["kill_reason"].Str());
        var ended = await stream;
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), "the open stream ended with the kill, not with its window");
        Assert.Equal("stream.timeout", ended.Messages[^1].Event);

        // Kept, not delivered: an intent to it waits; its own key may only heartbeat; its stream and poll are refused.
        var waiting = (await op.PostAsync("/v1/intents", new { intent_type = "intent.mesh.v1", to_agent = address, payload = new { n = 1 } })).Ok()["intent_id"].Str();
        (await agent.GetJsonAsync("/v1/agents/worker/intents/stream?wait_seconds=1")).Error(HttpStatusCode.Forbidden, "agent_killed");
        (await agent.PostAsync("/v1/intents", new { intent_type = "intent.mesh.v1", to_agent = "operator", payload = new { } })).Error(HttpStatusCode.Forbidden, "agent_killed");
        (await op.GetJsonAsync($"/v1/agents/{address}/intents/stream?wait_seconds=1")).Error(HttpStatusCode.Conflict, "agent_killed");
        Assert.Equal("killed", (await agent.PostAsync("/v1/mesh/heartbeat")).Ok()["agent"]!["health_status"].Str()); // its first: agent.online
        Assert.Equal(1, (await op.GetJsonAsync($"/v1/mesh/agents/{id}")).Ok()["agent"]!["queued"]!.GetValue<long>());
        Assert.Equal("SUBMITTED", (await op.GetJsonAsync($"/v1/intents/{waiting}")).Ok()["intent"]!["status"].Str());
        // Killing again changes nothing and logs nothing.
        (await op.PostAsync($"/v1/mesh/agents/{id}/kill", new { reason = "again" })).Ok();

        var resumed = (await op.PostAsync("/v1/mesh/agents/worker/resume")).Ok(); // by name, in the caller's workspace
        Assert.Equal("healthy", resumed["agent"]!["health_status"].Str());
        var after = await SseClient.ReadAsync(agent, "/v1/agents/worker/intents/stream?since=0&wait_seconds=1", TimeSpan.FromSeconds(20));
        Assert.Equal(waiting, JsonNode.Parse(after.Messages.First(m => m.Event == "intent.delivered").Data!)!["intent_id"].Str());
        var log = (await op.GetJsonAsync("/v1/mesh/events?event_type=agent.killed")).Ok()["events"]!.AsArray();
        var kill = Assert.Single(log)!;
        Assert.Equal("loops on every intent", kill["details"]!["reason"].Str());
        Assert.False(string.IsNullOrEmpty(kill["actor_id"].Str()));
        Assert.Equal(["agent.resumed", "agent.online", "agent.killed"], (await op.GetJsonAsync("/v1/mesh/events")).Ok()["events"]!.AsArray().Select(e => e!["event_type"].Str()));
    }

    [Fact]
    public async Task A_push_delivery_to_a_killed_agent_waits_without_an_attempt_and_goes_out_on_resume()
    {
        var (op, _, id, address, _) = await MeshAsync(new { delivery_mode = "internal", internal_handler = "echo" });
        (await op.PostAsync($"/v1/mesh/agents/{id}/kill")).Ok();
        var sent = (await op.PostAsync("/v1/intents", new { intent_type = "intent.mesh.echo.v1", to_agent = address, payload = new { ping = 1 } })).Ok()["intent_id"].Str();
        await Task.Delay(2000);
        Assert.Equal("SUBMITTED", (await op.GetJsonAsync($"/v1/intents/{sent}")).Ok()["intent"]!["status"].Str());
        Assert.Empty((await op.GetJsonAsync($"/v1/intents/{sent}/deliveries")).Ok()["deliveries"]!.AsArray().SelectMany(d => d!["attempts"]!.AsArray()));

        (await op.PostAsync($"/v1/mesh/agents/{id}/resume")).Ok();
        var done = await Poll.UntilAsync(() => op.GetJsonAsync($"/v1/intents/{sent}").ContinueWith(t => t.Result.Ok()["intent"]!),
            i => i["status"].Str() == "COMPLETED", TimeSpan.FromSeconds(20), "the held delivery after the resume");
        Assert.Equal(1, done["result"]!["echo"]!["ping"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_admins_agent_and_a_persons_account_cannot_be_killed()
    {
        var admin = (await f.Admin.GetJsonAsync("/v1/mesh/agents")).Ok()["agents"]!.AsArray()
            .First(a => a!["address"].Str() == "agent://default/default/admin")!;
        (await f.Admin.PostAsync($"/v1/mesh/agents/{admin["address_id"].Str()}/kill")).Error(HttpStatusCode.Conflict, "admin_agent");
        (await f.Admin.GetJsonAsync("/v1/intents")).Ok(); // its keys still work

        var (requester, _) = await f.TenantAsync("mesh", "m" + Guid.NewGuid().ToString("N")[..8], "requester");
        var userId = (await requester.PostAsync("/v1/users", new { name = "pat", email = "pat@example.com" })).Ok()["user"]!["user_id"].Str();
        (await f.Admin.PostAsync($"/v1/mesh/agents/{userId}/kill")).Error(HttpStatusCode.NotFound, "agent_not_found");
        var name = "pat" + Guid.NewGuid().ToString("N")[..6];
        (await f.Admin.PostAsync("/v1/users", new { name, email = $"{name}@example.com" })).Ok(); // in the admin's own workspace
        (await f.Admin.PostAsync($"/v1/mesh/agents/{name}/kill")).Error(HttpStatusCode.NotFound, "agent_not_found"); // by name too
    }
}
