using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Least privilege inside a workspace (issue 11 item 3, ADR 017 §6): each rule refused for a key of the same
/// workspace that is not the account, and each refused request shown to change nothing.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class PrivilegeTests(NodeFixture f)
{
    private const string PublicHook = "https://hooks.example.com/axme";

    /// <summary>Two agents of one fresh workspace, each with its own key: the victim and another agent.</summary>
    private async Task<(Agent Victim, Agent Other, string Ws)> TwoAgentsAsync()
    {
        var ws = "w" + Guid.NewGuid().ToString("N")[..8];
        return (await AgentAsync(ws, "victim"), await AgentAsync(ws, "other"), ws);
    }

    private sealed record Agent(string Id, string Name, string Address, HttpClient Client);

    private async Task<Agent> AgentAsync(string ws, string name)
    {
        var (client, address, _) = await Tenants.CreateAsync(f.Node, f.Admin, "priv", ws, name);
        var id = (await client.GetJsonAsync("/v1/whoami")).Ok()["service_account"]!["service_account_id"].Str();
        return new Agent(id, name, address, client);
    }

    private static async Task<string> ModeAsync(Agent a) => (await a.Client.GetJsonAsync($"/v1/agents/{a.Name}")).Ok()["agent"]!["delivery_mode"].Str();

    private async Task<int> KeyCountAsync(Agent a) =>
        (await f.Admin.GetJsonAsync($"/v1/service-accounts/{a.Id}")).Ok()["service_account"]!["keys"]!.AsArray().Count;

    [Fact]
    public async Task Only_the_agent_itself_or_an_admin_changes_its_delivery_binding()
    {
        var (victim, other, ws) = await TwoAgentsAsync();
        var before = await ModeAsync(victim);
        (await other.Client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{victim.Name}/delivery", new { delivery_mode = "http", webhook_url = PublicHook }))
            .Error(HttpStatusCode.Forbidden, "not_account_owner");
        (await other.Client.PostAsync("/v1/service-accounts", new { name = victim.Name, delivery_mode = "http", webhook_url = PublicHook }))
            .Error(HttpStatusCode.Forbidden, "not_account_owner");
        Assert.Equal(before, await ModeAsync(victim));

        (await victim.Client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{victim.Name}/delivery", new { delivery_mode = "poll" })).Ok();
        Assert.Equal("poll", await ModeAsync(victim));
        (await f.Admin.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{victim.Address["agent://".Length..]}/delivery", new { delivery_mode = "stream" })).Ok();
        Assert.Equal("stream", await ModeAsync(victim));
        // A replay of its own registration by another key, without delivery fields, is still the same account, and no more.
        var replay = (await other.Client.PostAsync("/v1/service-accounts", new { org_id = "priv", workspace_id = ws, name = victim.Name })).Ok()["service_account"]!;
        Assert.Equal(victim.Id, replay["service_account_id"].Str());
        Assert.Null(replay["keys"]);
    }

    [Fact]
    public async Task Only_the_account_itself_or_an_admin_issues_lists_or_revokes_its_keys_or_deletes_it()
    {
        var (victim, other, _) = await TwoAgentsAsync();
        var keys = await KeyCountAsync(victim);
        (await other.Client.PostAsync($"/v1/service-accounts/{victim.Id}/keys", new { })).Error(HttpStatusCode.Forbidden, "not_account_owner");
        var error = await McpTests.ErrorAsync(other.Client, "tools/call", new { name = "axme.agents_register", arguments = new { name = victim.Name } }, -32003);
        Assert.Equal("not_account_owner", error["data"]!["code"].Str());
        Assert.Equal(keys, await KeyCountAsync(victim));

        var keyId = (await f.Admin.GetJsonAsync($"/v1/service-accounts/{victim.Id}")).Ok()["service_account"]!["keys"]![0]!["key_id"].Str();
        (await other.Client.PostAsync($"/v1/service-accounts/{victim.Id}/keys/{keyId}/revoke")).Error(HttpStatusCode.Forbidden, "not_account_owner");
        (await other.Client.SendJsonAsync(HttpMethod.Delete, $"/v1/service-accounts/{victim.Id}")).Error(HttpStatusCode.Forbidden, "not_account_owner");
        (await victim.Client.GetJsonAsync("/v1/intents")).Ok(); // its key still works, the account still exists

        // Another key sees the account, not its keys; the account itself and an admin see them.
        Assert.Null((await other.Client.GetJsonAsync($"/v1/service-accounts/{victim.Id}")).Ok()["service_account"]!["keys"]);
        Assert.DoesNotContain((await other.Client.GetJsonAsync("/v1/service-accounts")).Ok()["service_accounts"]!.AsArray(),
            a => a!["service_account_id"].Str() == victim.Id && a["keys"] is not null);
        Assert.NotNull((await victim.Client.GetJsonAsync($"/v1/service-accounts/{victim.Id}")).Ok()["service_account"]!["keys"]);

        // The account itself may: a second key, then revoking it.
        var own = (await victim.Client.PostAsync($"/v1/service-accounts/{victim.Id}/keys", new { })).Ok()["key"]!;
        Assert.Equal(keys + 1, await KeyCountAsync(victim));
        (await victim.Client.PostAsync($"/v1/service-accounts/{victim.Id}/keys/{own["key_id"].Str()}/revoke")).Ok();
    }

    [Fact]
    public async Task Inbox_threads_are_acted_on_only_by_their_owner_or_an_admin()
    {
        var (victim, other, _) = await TwoAgentsAsync();
        var id = (await other.Client.PostAsync("/v1/intents", new { intent_type = "intent.test.priv.v1", to_agent = other.Name, reply_to = victim.Name })).Ok()["intent_id"].Str();
        (await other.Client.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();

        (await other.Client.GetJsonAsync($"/v1/inbox?owner_agent={victim.Name}")).Error(HttpStatusCode.Forbidden, "not_thread_owner");
        (await other.Client.PostAsync($"/v1/inbox/{id}/approve?owner_agent={victim.Name}", new { comment = "mine now" })).Error(HttpStatusCode.Forbidden, "not_thread_owner");
        var error = await McpTests.ErrorAsync(other.Client, "tools/call", new { name = "axme.reply", arguments = new { thread_id = id, message = "hi", owner_agent = victim.Name } }, -32003);
        Assert.Equal("not_thread_owner", error["data"]!["code"].Str());
        var thread = (await victim.Client.GetJsonAsync($"/v1/inbox/{id}")).Ok()["thread"]!;
        Assert.Equal("pending", thread["status"].Str());
        Assert.Single(thread["timeline"]!.AsArray()); // no reply, no decision

        (await victim.Client.PostAsync($"/v1/inbox/{id}/approve", new { comment = "fine" })).Ok();
        (await f.Admin.GetJsonAsync($"/v1/inbox/{id}?owner_agent={Uri.EscapeDataString(victim.Address)}")).Ok();
    }

    [Fact]
    public async Task A_magic_link_is_minted_only_for_one_of_the_tasks_assignees_whoever_asks()
    {
        var (sender, _, _) = await TwoAgentsAsync();
        var id = (await sender.Client.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.priv.v1", to_agent = sender.Name,
            human_task = new { title = "Ship it?", task_type = "approval", assignees = new[] { "alice@example.com", "human:bob@example.com" } },
        })).Ok()["intent_id"].Str();
        foreach (var client in new[] { sender.Client, f.Admin })
            (await client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "mallory@example.com" })).Error(HttpStatusCode.UnprocessableEntity, "not_an_assignee");
        (await sender.Client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "Alice@Example.com" })).Ok();
        (await f.Admin.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "bob@example.com" })).Ok();
    }

    [Fact]
    public async Task Actor_fields_come_from_the_caller_never_from_the_body_admins_included()
    {
        var (sender, _, ws) = await TwoAgentsAsync();
        async Task<string> LastActorAsync(string intentId) =>
            (await sender.Client.GetJsonAsync($"/v1/intents/{intentId}/events")).Ok()["events"]!.AsArray()[^1]!["actor"].Str();

        var mine = (await sender.Client.PostAsync("/v1/intents", new { intent_type = "intent.test.priv.v1", to_agent = sender.Name })).Ok()["intent_id"].Str();
        (await sender.Client.PostAsync($"/v1/intents/{mine}/resolve", new { status = "CANCELED", actor = "agent://priv/" + ws + "/someone-else" })).Ok();
        Assert.Equal(sender.Address, await LastActorAsync(mine));

        var byAdmin = (await sender.Client.PostAsync("/v1/intents", new { intent_type = "intent.test.priv.v1", to_agent = sender.Name })).Ok()["intent_id"].Str();
        (await f.Admin.PostAsync($"/v1/intents/{byAdmin}/resolve", new { status = "CANCELED", actor = "bob@example.com" })).Ok();
        Assert.NotEqual("bob@example.com", await LastActorAsync(byAdmin));

        var created = (await sender.Client.PostAsync("/v1/service-accounts", new { name = "made-" + Guid.NewGuid().ToString("N")[..6], created_by_actor_id = "sa_someone_else" }))
            .Ok()["service_account"]!;
        Assert.Equal(sender.Id, created["created_by_actor_id"].Str());
    }

    [Fact]
    public async Task Only_the_user_or_an_admin_mints_a_users_actor_token()
    {
        var (agent, _, ws) = await TwoAgentsAsync();
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = "priv", workspace_id = ws, name = "carol", email = "carol@example.com" })).Ok()["user"]!;
        var userId = user["user_id"].Str();
        (await agent.Client.PostAsync($"/v1/users/{userId}/tokens", new { })).Error(HttpStatusCode.Forbidden, "not_account_owner");
        (await agent.Client.PostAsync($"/v1/users/{userId}/keys", new { })).Error(HttpStatusCode.Forbidden, "not_account_owner");
        Assert.StartsWith("axme_at_", (await f.Admin.PostAsync($"/v1/users/{userId}/tokens", new { })).Ok()["token"].Str());
    }

    [Fact]
    public async Task An_admin_answering_with_a_persons_actor_token_is_named_beside_the_person_in_the_events()
    {
        var (sender, _, ws) = await TwoAgentsAsync();
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = "priv", workspace_id = ws, name = "erin", email = "erin@example.com" })).Ok()["user"]!;
        var adminId = (await f.Admin.GetJsonAsync("/v1/whoami")).Ok()["service_account"]!["service_account_id"].Str();
        async Task<JsonObject> AnswerAsync(string token)
        {
            var id = (await sender.Client.PostAsync("/v1/intents", new
            {
                intent_type = "intent.test.priv.v1", to_agent = sender.Name,
                human_task = new { title = "Ship?", task_type = "approval", assignees = new[] { "erin@example.com" } },
            })).Ok()["intent_id"].Str();
            using var asErin = new HttpClient { BaseAddress = f.Node.BaseAddress };
            asErin.DefaultRequestHeaders.Authorization = new("Bearer", token);
            (await asErin.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Ok();
            var events = (await sender.Client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
            return events.Last(e => e!["actor"].Str() == user["agent_address"].Str())!.AsObject();
        }

        var byAdmin = await AnswerAsync((await f.Admin.PostAsync($"/v1/users/{user["user_id"].Str()}/tokens", new { })).Ok()["token"].Str());
        Assert.Equal(adminId, byAdmin["actor_token_issuer"].Str());

        var key = (await f.Admin.PostAsync($"/v1/users/{user["user_id"].Str()}/keys", new { })).Ok()["key"]!["token"].Str();
        using var erin = f.Node.CreateClient(key);
        var own = await AnswerAsync((await erin.PostAsync($"/v1/users/{user["user_id"].Str()}/tokens", new { })).Ok()["token"].Str());
        Assert.Null(own["actor_token_issuer"]);
    }
}
