using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Human users (/v1/users), their keys, and who may answer a human task (docs/adr/009).</summary>
[Collection(NodeCollection.Name)]
public sealed class UserTests(NodeFixture f)
{
    /// <summary>A workspace of its own with an agent key (the requester) that sends tasks and manages users.</summary>
    private sealed record Workspace(HttpClient Requester, string Org, string Ws);

    private async Task<Workspace> WorkspaceAsync()
    {
        var ws = "u" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await f.TenantAsync("humans", ws, "requester");
        return new Workspace(client, "humans", ws);
    }

    private static async Task<JsonNode> UserAsync(HttpClient manager, string name, string email, string[]? roles = null, string[]? teams = null) =>
        (await manager.PostAsync("/v1/users", new { name, email, roles = roles ?? [], teams = teams ?? [] })).Ok()["user"]!;

    /// <summary>A user with a key of its own, as an HTTP client.</summary>
    private async Task<(HttpClient Client, JsonNode User)> UserWithKeyAsync(Workspace w, string name, string email, string[]? roles = null, string[]? teams = null)
    {
        var user = await UserAsync(w.Requester, name, email, roles, teams);
        var key = (await f.Admin.PostAsync($"/v1/users/{user["user_id"].Str()}/keys", new { })).Ok()["key"]!; // a person's key: an admin mints it (ADR 017)
        return (f.Node.CreateClient(key["token"].Str()), user);
    }

    private static async Task<string> TaskAsync(HttpClient sender, params string[] assignees) =>
        (await sender.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.task.v1", to_agent = "approver",
            human_task = assignees.Length == 0 ? (object)new { title = "Ship it?" } : new { title = "Ship it?", assignees },
        })).Ok()["intent_id"].Str();

    private static async Task<JsonNode> IntentAsync(HttpClient client, string id) => (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;

    private static async Task<int> EventCountAsync(HttpClient client, string id) =>
        (await client.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Count;

    private static async Task<string[]> MyTasksAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray().Select(t => t!["intent_id"].Str())];

    [Fact]
    public async Task Users_are_created_idempotently_by_name_listed_read_changed_and_deleted_with_their_keys()
    {
        var w = await WorkspaceAsync();
        var alice = await UserAsync(w.Requester, "alice", "Alice@Example.com", ["Approvers", "approvers"], ["finance"]);
        Assert.StartsWith("sa_", alice["user_id"].Str(), StringComparison.Ordinal);
        Assert.Equal(("alice", "Alice@Example.com", "active"), (alice["name"].Str(), alice["email"].Str(), alice["status"].Str()));
        Assert.Equal(["approvers"], alice["roles"]!.AsArray().Select(r => r.Str()));
        Assert.Equal(["finance"], alice["teams"]!.AsArray().Select(t => t.Str()));
        Assert.Equal($"agent://humans/{w.Ws}/alice", alice["agent_address"].Str());
        Assert.NotNull(alice["created_at"]);
        var id = alice["user_id"].Str();

        var again = await UserAsync(w.Requester, "alice", "other@example.com");
        Assert.Equal(id, again["user_id"].Str());
        Assert.Equal("Alice@Example.com", again["email"].Str()); // an existing user is returned as it is

        var list = (await w.Requester.GetJsonAsync("/v1/users")).Ok()["users"]!.AsArray();
        Assert.Equal([id], list.Select(u => u!["user_id"].Str())); // the requester agent is no user
        Assert.DoesNotContain((await w.Requester.GetJsonAsync("/v1/agents")).Ok()["agents"]!.AsArray(), a => a!["address"]?.ToString() == alice["agent_address"].Str());
        Assert.Equal("human", (await w.Requester.GetJsonAsync($"/v1/service-accounts/{id}")).Ok()["service_account"]!["kind"].Str());
        Assert.Equal(id, (await w.Requester.GetJsonAsync($"/v1/users/{id}")).Ok()["user"]!["user_id"].Str());

        var patched = (await w.Requester.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{id}", new { email = "alice@corp.example", roles = new[] { "viewers" }, display_name = "Alice A." })).Ok()["user"]!;
        Assert.Equal(("alice@corp.example", "Alice A."), (patched["email"].Str(), patched["display_name"].Str()));
        Assert.Equal(["viewers"], patched["roles"]!.AsArray().Select(r => r.Str()));
        Assert.Equal(["finance"], patched["teams"]!.AsArray().Select(t => t.Str())); // not sent, not changed
        Assert.Equal(["viewers"], (await w.Requester.GetJsonAsync($"/v1/users/{id}")).Ok()["user"]!["roles"]!.AsArray().Select(r => r.Str()));

        var key = (await f.Admin.PostAsync($"/v1/users/{id}/keys", new { })).Ok()["key"]!;
        Assert.StartsWith($"axme_sa_{id}_", key["token"].Str(), StringComparison.Ordinal);
        var aliceClient = f.Node.CreateClient(key["token"].Str());
        (await aliceClient.GetJsonAsync("/v1/me/tasks")).Ok();

        var deleted = (await w.Requester.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{id}")).Ok();
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.Equal("deleted", deleted["user"]!["status"].Str());
        (await aliceClient.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_platform_api_key");
        (await w.Requester.GetJsonAsync($"/v1/users/{id}")).Error(HttpStatusCode.NotFound);
        Assert.Empty((await w.Requester.GetJsonAsync("/v1/users")).Ok()["users"]!.AsArray());
    }

    [Fact]
    public async Task Bad_input_is_a_422_naming_the_field_other_workspaces_get_403_and_unknown_users_404()
    {
        var w = await WorkspaceAsync();
        async Task Invalid(object body, string field)
        {
            var r = (await w.Requester.PostAsync("/v1/users", body)).Error(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(field, r.Body["error"]!["details"]!["field"].Str());
        }
        await Invalid(new { name = "carol" }, "email");
        await Invalid(new { name = "carol", email = "not-an-address" }, "email");
        await Invalid(new { email = "carol@example.com" }, "name");
        await Invalid(new { name = "carol", email = "carol@example.com", roles = "approvers" }, "roles");
        await Invalid(new { name = "carol", email = "carol@example.com", teams = new[] { "has space" } }, "teams");
        Assert.Empty((await w.Requester.GetJsonAsync("/v1/users")).Ok()["users"]!.AsArray()); // nothing was created

        var carol = await UserAsync(w.Requester, "carol", "carol@example.com");
        var id = carol["user_id"].Str();
        (await w.Requester.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{id}", new { email = "nope" })).Error(HttpStatusCode.UnprocessableEntity);
        (await w.Requester.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{id}", new { name = "caroline" })).Error(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("carol@example.com", (await w.Requester.GetJsonAsync($"/v1/users/{id}")).Ok()["user"]!["email"].Str());

        (await f.B.GetJsonAsync($"/v1/users/{id}")).Error(HttpStatusCode.Forbidden);
        (await f.B.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{id}", new { roles = new[] { "approvers" } })).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync($"/v1/users/{id}/keys", new { })).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync("/v1/users", new { name = "mallory", email = "m@example.com", org_id = w.Org, workspace_id = w.Ws })).Error(HttpStatusCode.Forbidden);
        Assert.DoesNotContain((await f.B.GetJsonAsync("/v1/users")).Ok()["users"]!.AsArray(), u => u!["user_id"].Str() == id);

        (await w.Requester.GetJsonAsync("/v1/users/sa_doesnotexist0000000")).Error(HttpStatusCode.NotFound);
        var agentId = (await w.Requester.PostAsync("/v1/service-accounts", new { name = "robot" })).Ok()["service_account"]!["service_account_id"].Str();
        (await w.Requester.GetJsonAsync($"/v1/users/{agentId}")).Error(HttpStatusCode.NotFound); // an agent is not a user
        (await w.Requester.PostAsync("/v1/users", new { name = "robot", email = "r@example.com" })).Error(HttpStatusCode.Conflict, "name_taken");
    }

    [Fact]
    public async Task A_task_for_a_role_is_answered_by_a_user_with_that_role_and_refused_to_others_with_nothing_written()
    {
        var w = await WorkspaceAsync();
        var (alice, aliceUser) = await UserWithKeyAsync(w, "alice", "alice@example.com", ["approvers"]);
        var (bob, _) = await UserWithKeyAsync(w, "bob", "bob@example.com", ["viewers"]);
        var id = await TaskAsync(w.Requester, "role:approvers");
        var events = await EventCountAsync(w.Requester, id);

        var refused = (await bob.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
        Assert.Contains("role:approvers", refused.Body["error"]!["message"].Str(), StringComparison.Ordinal);
        (await bob.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
        (await w.Requester.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved" } })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
        Assert.Equal("WAITING", (await IntentAsync(w.Requester, id))["status"].Str());
        Assert.Equal(events, await EventCountAsync(w.Requester, id));

        // A user cannot put a colleague's name on the answer: the actor is always the user.
        var answered = (await alice.PostAsync($"/v1/intents/{id}/resume", new { task_result = new { outcome = "approved", comment = "ship" }, actor = "bob@example.com" })).Ok();
        Assert.Equal("COMPLETED", answered["intent"]!["status"].Str());
        var last = (await w.Requester.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray()[^1]!;
        Assert.Equal(aliceUser["agent_address"].Str(), last["actor"].Str());
        Assert.Equal(aliceUser["agent_address"].Str(), answered["intent"]!["answered_by"].Str());
    }

    [Fact]
    public async Task My_tasks_shows_a_user_the_tasks_it_may_answer_and_an_agent_key_every_pending_task()
    {
        var w = await WorkspaceAsync();
        var (alice, _) = await UserWithKeyAsync(w, "alice", "alice@example.com", ["approvers"], ["finance"]);
        var (bob, _) = await UserWithKeyAsync(w, "bob", "bob@example.com", ["viewers"]);
        var forRole = await TaskAsync(w.Requester, "role:approvers");
        var forBob = await TaskAsync(w.Requester, "BOB@example.com");
        var forAnyone = await TaskAsync(w.Requester);
        var forTeam = await TaskAsync(w.Requester, "team:finance");
        var forHumanBob = await TaskAsync(w.Requester, "human:bob@example.com");

        Assert.Equal([forRole, forAnyone, forTeam], await MyTasksAsync(alice));
        Assert.Equal([forBob, forAnyone, forHumanBob], await MyTasksAsync(bob));
        Assert.Equal([forRole, forBob, forAnyone, forTeam, forHumanBob], await MyTasksAsync(w.Requester));

        (await alice.PostAsync($"/v1/approvals/{forBob}/decision", new { decision = "approve" })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
        (await bob.PostAsync($"/v1/approvals/{forBob}/decision", new { decision = "approve" })).Ok();
        (await bob.PostAsync($"/v1/intents/{forHumanBob}/resume", new { task_result = new { outcome = "rejected" } })).Ok();
        Assert.Equal([forAnyone], await MyTasksAsync(bob));
        Assert.Equal("COMPLETED", (await IntentAsync(w.Requester, forBob))["status"].Str());
    }

    [Fact]
    public async Task An_admin_answers_any_task_and_a_user_of_another_workspace_none()
    {
        var w = await WorkspaceAsync();
        var id = await TaskAsync(w.Requester, "role:approvers");
        var other = await WorkspaceAsync();
        var (stranger, _) = await UserWithKeyAsync(other, "alice", "alice@example.com", ["approvers"]);

        (await stranger.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Error(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(id, await MyTasksAsync(stranger));
        Assert.Equal("WAITING", (await IntentAsync(w.Requester, id))["status"].Str());

        var decided = (await f.Admin.PostAsync($"/v1/approvals/{id}/decision", new { decision = "reject", comment = "not now" })).Ok();
        Assert.Equal("CANCELED", decided["approval"]!["status"].Str());
    }

    [Fact]
    public async Task A_role_granted_by_patch_counts_at_once_for_the_same_key_and_a_users_key_manages_no_accounts()
    {
        var w = await WorkspaceAsync();
        var (bob, bobUser) = await UserWithKeyAsync(w, "bob", "bob@example.com", ["viewers"]);
        var bobId = bobUser["user_id"].Str();
        var id = await TaskAsync(w.Requester, "role:approvers");
        Assert.Empty(await MyTasksAsync(bob));

        (await bob.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{bobId}", new { roles = new[] { "approvers" } })).Error(HttpStatusCode.Forbidden);
        (await bob.PostAsync($"/v1/users/{bobId}/keys", new { })).Error(HttpStatusCode.Forbidden);
        (await bob.PostAsync($"/v1/service-accounts/{bobId}/keys", new { })).Error(HttpStatusCode.Forbidden);
        (await bob.PostAsync("/v1/users", new { name = "bob2", email = "bob2@example.com", roles = new[] { "approvers" } })).Error(HttpStatusCode.Forbidden);
        (await bob.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Error(HttpStatusCode.Forbidden, "not_an_assignee");

        (await w.Requester.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{bobId}", new { roles = new[] { "viewers", "approvers" } })).Ok();
        Assert.Equal([id], await MyTasksAsync(bob));
        (await bob.PostAsync($"/v1/approvals/{id}/decision", new { decision = "approve" })).Ok();

        var next = await TaskAsync(w.Requester, "role:approvers");
        (await w.Requester.SendJsonAsync(HttpMethod.Patch, $"/v1/users/{bobId}", new { roles = Array.Empty<string>() })).Ok();
        (await bob.PostAsync($"/v1/approvals/{next}/decision", new { decision = "approve" })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
    }

    [Fact]
    public async Task Whoami_names_the_key_or_actor_token_behind_a_request()
    {
        var w = await WorkspaceAsync();
        var (alice, aliceUser) = await UserWithKeyAsync(w, "alice-who", "alice-who@example.com");
        var aliceId = aliceUser["user_id"].Str();

        var byKey = (await alice.GetJsonAsync("/v1/whoami")).Ok();
        Assert.Equal(aliceId, byKey["caller"]!["service_account_id"].Str());
        Assert.Equal(w.Org, byKey["caller"]!["org_id"].Str());
        Assert.Equal(w.Ws, byKey["caller"]!["workspace_id"].Str());
        Assert.True(byKey["caller"]!["is_human"]!.GetValue<bool>());
        Assert.False(byKey["caller"]!["is_admin"]!.GetValue<bool>());
        Assert.Equal("api_key", byKey["caller"]!["credential"].Str());
        var keyId = byKey["caller"]!["key_id"].Str();
        Assert.StartsWith("sak_", keyId);
        Assert.Contains(byKey["service_account"]!["keys"]!.AsArray(), k => k!["key_id"].Str() == keyId);
        Assert.DoesNotContain("\"token\"", byKey.Text, StringComparison.Ordinal);

        var token = (await alice.PostAsync($"/v1/users/{aliceId}/tokens")).Ok()["token"].Str();
        using var bearerOnly = new HttpClient { BaseAddress = f.Node.BaseAddress };
        bearerOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var byToken = (await bearerOnly.GetJsonAsync("/v1/whoami")).Ok();
        Assert.Equal(aliceId, byToken["caller"]!["service_account_id"].Str());
        Assert.Equal("actor_token", byToken["caller"]!["credential"].Str());

        Assert.True((await f.Admin.GetJsonAsync("/v1/whoami")).Ok()["caller"]!["is_admin"]!.GetValue<bool>());
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        (await anonymous.GetJsonAsync("/v1/whoami")).Error(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_actor_token_makes_a_request_act_as_its_user_alone_or_on_a_workspace_key_until_the_user_is_gone()
    {
        var w = await WorkspaceAsync();
        var (alice, aliceUser) = await UserWithKeyAsync(w, "alice", "alice@example.com", ["approvers"]);
        var forAlice = await TaskAsync(w.Requester, "role:approvers");
        var forOthers = await TaskAsync(w.Requester, "role:auditors");
        var minted = (await alice.PostAsync($"/v1/users/{aliceUser["user_id"].Str()}/tokens")).Ok();
        var token = minted["token"].Str();
        Assert.StartsWith("axme_at_", token);
        Assert.Equal("Bearer", minted["token_type"].Str());

        using var bearerOnly = new HttpClient { BaseAddress = f.Node.BaseAddress }; // no x-api-key at all
        bearerOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var mine = (await bearerOnly.GetJsonAsync("/v1/me/tasks")).Ok()["tasks"]!.AsArray().Select(t => t!["intent_id"].Str()).ToArray();
        Assert.Contains(forAlice, mine);
        Assert.DoesNotContain(forOthers, mine);

        // The CLI's way: the workspace key plus the user's bearer. The answer is Alice's.
        w.Requester.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        try
        {
            (await w.Requester.PostAsync($"/v1/intents/{forOthers}/resume", new { task_result = new { outcome = "approved" } })).Error(HttpStatusCode.Forbidden, "not_an_assignee");
            (await w.Requester.PostAsync($"/v1/intents/{forAlice}/resume", new { task_result = new { outcome = "approved" } })).Ok();
        }
        finally
        {
            w.Requester.DefaultRequestHeaders.Authorization = null;
        }
        var last = (await w.Requester.GetJsonAsync($"/v1/intents/{forAlice}/events")).Ok()["events"]!.AsArray()[^1]!;
        Assert.Equal(aliceUser["agent_address"].Str(), last["actor"].Str());

        // Another workspace's key cannot carry Alice's token; a forged token and a deleted user's token are refused.
        using var other = f.Node.CreateClient(f.B.DefaultRequestHeaders.GetValues("x-api-key").First());
        other.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await other.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Forbidden);
        bearerOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        (await bearerOnly.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_actor_token");
        (await w.Requester.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{aliceUser["user_id"].Str()}")).Ok();
        bearerOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await bearerOnly.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_actor_token");
    }
}
