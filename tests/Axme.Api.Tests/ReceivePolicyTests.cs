using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Cross-workspace sends follow the target's receive policy (issue 11 item 3, ADR 017 §6, PROTOCOL §6.8).</summary>
[Collection(NodeCollection.Name)]
public sealed class ReceivePolicyTests(NodeFixture f)
{
    private sealed record Agent(HttpClient Client, string Address, string Name, string Org);

    /// <summary>A sender and a receiver in two fresh organizations (no test shares their policies).</summary>
    private async Task<(Agent Sender, Agent Receiver)> PairAsync(bool sameOrg = false)
    {
        var senderOrg = "snd" + Guid.NewGuid().ToString("N")[..8];
        var receiverOrg = sameOrg ? senderOrg : "rcv" + Guid.NewGuid().ToString("N")[..8];
        var (sc, sa, _) = await Tenants.CreateAsync(f.Node, f.Admin, senderOrg, "ops", "sender");
        var (rc, ra, _) = await Tenants.CreateAsync(f.Node, f.Admin, receiverOrg, sameOrg ? "other" : "ops", "receiver");
        return (new Agent(sc, sa, "sender", senderOrg), new Agent(rc, ra, "receiver", receiverOrg));
    }

    private static Task<JsonResponse> SendAsync(Agent from, string to, string? replyTo = null) =>
        from.Client.PostAsync("/v1/intents", new { intent_type = "intent.test.receive.v1", to_agent = to, reply_to = replyTo });

    private static async Task<int> SentCountAsync(Agent a) => (await a.Client.GetJsonAsync("/v1/intents")).Ok()["intents"]!.AsArray().Count;

    [Fact]
    public async Task Another_organization_is_closed_by_default_and_its_policy_opens_or_lists_senders()
    {
        var (sender, receiver) = await PairAsync();
        var refused = (await SendAsync(sender, receiver.Address)).Error(HttpStatusCode.Forbidden, "receive_policy_denied");
        Assert.Equal("to_agent", refused["error"]!["details"]!["field"].Str());
        Assert.Equal(0, await SentCountAsync(sender)); // nothing created
        var policy = (await sender.Client.GetJsonAsync($"/v1/organizations/{receiver.Org}/receive-policy")).Error(HttpStatusCode.Forbidden);
        Assert.Equal("closed", (await receiver.Client.GetJsonAsync($"/v1/organizations/{receiver.Org}/receive-policy")).Ok()["policy"]!["policy_type"].Str());

        // Only an admin sets an organization's policy.
        (await receiver.Client.SendJsonAsync(HttpMethod.Put, $"/v1/organizations/{receiver.Org}/receive-policy", new { policy_type = "open" }))
            .Error(HttpStatusCode.Forbidden, "admin_required");
        (await f.Admin.SendJsonAsync(HttpMethod.Put, $"/v1/organizations/{receiver.Org}/receive-policy", new { policy_type = "allowlist" })).Ok();
        var entry = (await f.Admin.PostAsync($"/v1/organizations/{receiver.Org}/receive-policy/entries", new { sender_pattern = $"agent://{sender.Org}/ops/*" }))
            .Ok()["entry"]!;
        (await SendAsync(sender, receiver.Address)).Ok();

        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{receiver.Org}/receive-policy/entries/{entry["entry_id"].Str()}")).Ok();
        (await SendAsync(sender, receiver.Address)).Error(HttpStatusCode.Forbidden, "receive_policy_denied");
        (await f.Admin.SendJsonAsync(HttpMethod.Put, $"/v1/organizations/{receiver.Org}/receive-policy", new { policy_type = "open" })).Ok();
        (await SendAsync(sender, receiver.Address)).Ok();
        Assert.Equal(2, await SentCountAsync(sender));

        (await f.Admin.PostAsync($"/v1/organizations/{receiver.Org}/receive-policy/entries", new { sender_pattern = "agent://bad pattern" }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_sender_pattern");
    }

    [Fact]
    public async Task An_agents_override_decides_before_its_organization_and_only_its_managers_set_it()
    {
        var (sender, receiver) = await PairAsync(sameOrg: true);
        (await SendAsync(sender, receiver.Address)).Ok(); // the same organization, another workspace: let in by default

        var path = $"/v1/agents/{receiver.Name}/receive-override";
        Assert.Equal("use_org_default", (await receiver.Client.GetJsonAsync(path)).Ok()["override"]!["override_type"].Str());
        (await sender.Client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{receiver.Address["agent://".Length..]}/receive-override", new { override_type = "open" }))
            .Error(HttpStatusCode.Forbidden);
        (await receiver.Client.SendJsonAsync(HttpMethod.Put, path, new { override_type = "closed" })).Ok();
        (await SendAsync(sender, receiver.Address)).Error(HttpStatusCode.Forbidden, "receive_policy_denied");

        (await receiver.Client.SendJsonAsync(HttpMethod.Put, path, new { override_type = "allowlist" })).Ok();
        var entry = (await receiver.Client.PostAsync(path + "/entries", new { sender_pattern = sender.Address })).Ok()["entry"]!;
        (await SendAsync(sender, receiver.Address)).Ok();
        var shown = (await receiver.Client.GetJsonAsync(path)).Ok()["override"]!;
        Assert.Equal("allowlist", shown["override_type"].Str());
        Assert.Equal(sender.Address, Assert.Single(shown["entries"]!.AsArray())!["sender_pattern"].Str());
        (await receiver.Client.SendJsonAsync(HttpMethod.Delete, $"{path}/entries/{entry["entry_id"].Str()}")).Ok();
        (await SendAsync(sender, receiver.Address)).Error(HttpStatusCode.Forbidden, "receive_policy_denied");
        (await receiver.Client.SendJsonAsync(HttpMethod.Put, path, new { override_type = "sometimes" })).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Reply_to_and_inbox_delegation_into_a_closed_organization_are_refused_too()
    {
        var (sender, receiver) = await PairAsync();
        var refused = (await SendAsync(sender, sender.Name, replyTo: receiver.Address)).Error(HttpStatusCode.Forbidden, "receive_policy_denied");
        Assert.Equal("reply_to", refused["error"]!["details"]!["field"].Str());

        var id = (await SendAsync(sender, sender.Name, replyTo: sender.Name)).Ok()["intent_id"].Str();
        (await sender.Client.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();
        var delegated = (await sender.Client.PostAsync($"/v1/inbox/{id}/delegate", new { delegate_to = receiver.Address })).Error(HttpStatusCode.Forbidden, "receive_policy_denied");
        Assert.Equal("delegate_to", delegated["error"]!["details"]!["field"].Str());
        Assert.Equal("pending", (await sender.Client.GetJsonAsync($"/v1/inbox/{id}")).Ok()["thread"]!["status"].Str());
    }
}
