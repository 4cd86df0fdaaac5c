using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class ServiceAccountTests(NodeFixture f)
{
    [Fact]
    public async Task Create_list_get_key_and_delete_a_service_account()
    {
        await Tenants.EnsureWorkspaceAsync(f.Admin, "sa-org", "sa-ws");
        var created = (await f.Admin.PostAsync("/v1/service-accounts",
            new { org_id = "sa-org", workspace_id = "sa-ws", name = "Approver Bot", display_name = "Approver", description = "approves" })).Ok()["service_account"]!;
        var id = created["service_account_id"].Str();
        Assert.StartsWith("sa_", id);
        Assert.Equal("agent://sa-org/sa-ws/approver-bot", created["agent_address"].Str());
        Assert.Equal("active", created["status"].Str());
        Assert.NotNull(created["created_by_actor_id"]);
        Assert.False(created["is_admin"]!.GetValue<bool>());
        // The admin key's own account says so (axme whoami tells an admin key by it).
        var own = (await f.Admin.GetJsonAsync("/v1/service-accounts")).Ok()["service_accounts"]!.AsArray();
        Assert.True(own.Single(a => a!["name"].Str() == "admin")!["is_admin"]!.GetValue<bool>());

        // Creating by the same name is idempotent: the same account comes back.
        var again = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "sa-org", workspace_id = "sa-ws", name = "Approver Bot" })).Ok()["service_account"]!;
        Assert.Equal(id, again["service_account_id"].Str());

        var list = (await f.Admin.GetJsonAsync("/v1/service-accounts?org_id=sa-org&workspace_id=sa-ws")).Ok()["service_accounts"]!.AsArray();
        Assert.Equal(id, Assert.Single(list)!["service_account_id"].Str());

        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{id}/keys", new { expires_at = "2099-01-01T00:00:00Z" })).Ok()["key"]!;
        Assert.StartsWith($"axme_sa_{id}_", key["token"].Str());
        Assert.StartsWith("sak_", key["key_id"].Str());
        Assert.DoesNotContain(key["token"].Str()[^16..], key["key_hint"].Str());
        var fetched = (await f.Admin.GetJsonAsync($"/v1/service-accounts/{id}")).Ok()["service_account"]!;
        Assert.Null(fetched["keys"]![0]!["token"]);

        // The key authenticates as the agent: intents it sends come from its address.
        using var agent = f.Node.CreateClient(key["token"].Str());
        var intentId = (await agent.PostAsync("/v1/intents", new { intent_type = "intent.test.sa.v1", to_agent = "agent://sa-org/sa-ws/x" })).Ok()["intent_id"].Str();
        Assert.Equal("agent://sa-org/sa-ws/approver-bot", (await agent.GetJsonAsync($"/v1/intents/{intentId}")).Ok()["intent"]!["from_agent"].Str());

        var deleted = (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/service-accounts/{id}")).Ok();
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        (await f.Admin.GetJsonAsync($"/v1/service-accounts/{id}")).Error(HttpStatusCode.NotFound);
        (await agent.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Unauthorized);
        Assert.Empty((await f.Admin.GetJsonAsync("/v1/service-accounts?org_id=sa-org&workspace_id=sa-ws")).Ok()["service_accounts"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_service_account_input_is_422_and_unknown_ids_404()
    {
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "x", workspace_id = "y" })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "x", workspace_id = "y", name = 5 })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "x", workspace_id = "y", name = "agent://elsewhere/z/n" }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_agent_address");
        (await f.Admin.GetJsonAsync("/v1/service-accounts/sa_missing")).Error(HttpStatusCode.NotFound);
        (await f.Admin.PostAsync("/v1/service-accounts/sa_missing/keys/sak_x/revoke")).Error(HttpStatusCode.NotFound);
    }
}
