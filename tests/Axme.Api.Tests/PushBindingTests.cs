using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>The inbox and internal bindings over HTTP: the runtime pushes the delivery, no listener involved.</summary>
[Collection(NodeCollection.Name)]
public sealed class PushBindingTests(NodeFixture f)
{
    private async Task<(HttpClient Client, string Address)> AgentAsync(object delivery)
    {
        var ws = "pb" + Guid.NewGuid().ToString("N")[..8];
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(delivery))!.AsObject();
        body["org_id"] = "push";
        body["workspace_id"] = ws;
        body["name"] = "handler";
        await Tenants.EnsureWorkspaceAsync(f.Admin, "push", ws);
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", body.ToJsonString())).Ok();
        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{sa["service_account"]!["service_account_id"].Str()}/keys", new { })).Ok();
        var client = f.Node.CreateClient(key["key"]!["token"].Str());
        // It takes work from workspace A's organization too: its own receive override (ADR 017).
        (await client.SendJsonAsync(HttpMethod.Put, "/v1/agents/handler/receive-override", new { override_type = "open" })).Ok();
        return (client, sa["service_account"]!["agent_address"].Str());
    }

    [Fact]
    public async Task An_internal_agent_completes_intents_inside_the_node()
    {
        var (client, address) = await AgentAsync(new { delivery_mode = "internal", internal_handler = "echo" });
        Assert.Equal("echo", (await client.GetJsonAsync("/v1/agents/handler")).Ok()["agent"]!["internal_handler"].Str());
        var id = (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.echo.v1", to_agent = address, payload = new { ping = "pong" } })).Ok()["intent_id"].Str();
        var intent = await Poll.UntilAsync(() => client.GetJsonAsync($"/v1/intents/{id}").ContinueWith(t => t.Result.Ok()["intent"]!),
            i => i["status"].Str() is "COMPLETED" or "FAILED", TimeSpan.FromSeconds(20), "the internal handler");
        Assert.Equal("COMPLETED", intent["status"].Str());
        Assert.Equal("pong", intent["result"]!["echo"]!["ping"].Str());
        var attempts = (await client.GetJsonAsync($"/v1/intents/{id}/deliveries")).Ok()["deliveries"]![0]!["attempts"]!.AsArray();
        Assert.Equal("internal:echo", Assert.Single(attempts)!["url"].Str());

        var refused = await client.SendJsonAsync(HttpMethod.Put, "/v1/agents/handler/delivery", new { delivery_mode = "internal", internal_handler = "missing" });
        refused.Error(HttpStatusCode.UnprocessableEntity, "unknown_internal_handler");
        Assert.Equal("echo", (await client.GetJsonAsync("/v1/agents/handler")).Ok()["agent"]!["internal_handler"].Str());
    }

    [Fact]
    public async Task An_inbox_agent_gets_a_thread_per_intent_and_approving_it_completes_the_intent()
    {
        var (client, address) = await AgentAsync(new { delivery_mode = "inbox" });
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.inbox.v1", to_agent = address, payload = new { q = "ship?" } })).Ok()["intent_id"].Str();
        var threads = await Poll.UntilAsync(() => client.GetJsonAsync("/v1/inbox").ContinueWith(t => t.Result.Ok()["threads"]!.AsArray()),
            t => t.Count > 0, TimeSpan.FromSeconds(20), "the inbox thread");
        var thread = Assert.Single(threads)!;
        Assert.Equal(id, thread["intent_id"].Str());
        Assert.Equal(address, thread["owner_agent"].Str());
        Assert.Equal("intent_received", thread["timeline"]![0]!["event_type"].Str());
        Assert.Equal("DELIVERED", (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str());

        (await client.PostAsync($"/v1/inbox/{thread["thread_id"].Str()}/approve", new { comment = "ship it" })).Ok();
        var done = (await f.A.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("COMPLETED", done["status"].Str());
        Assert.Equal("approved", done["result"]!["decision"].Str());
    }
}
