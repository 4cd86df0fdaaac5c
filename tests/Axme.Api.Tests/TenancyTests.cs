using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Organizations, workspaces and members as resources over HTTP (issue 14 item 1, docs/adr/026).</summary>
[Collection(NodeCollection.Name)]
public sealed class TenancyTests(NodeFixture f)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task The_admin_creates_an_organization_and_workspaces_and_accounts_are_made_only_in_one_that_exists()
    {
        var org = NewId("tn");
        // The id is the name's slug unless org_id is given; the requester becomes the owner.
        var created = (await f.Admin.PostAsync("/v1/organizations",
            new { name = $"Tenancy {org}", org_id = org, requested_by_actor_id = "usr_founder", legal_name = "Tenancy Ltd", metadata = new { tier = "gold" } }))
            .Ok()["organization"]!;
        Assert.Equal((org, $"Tenancy {org}", "active", "Tenancy Ltd"), (created["org_id"].Str(), created["name"].Str(), created["status"].Str(), created["legal_name"].Str()));
        Assert.Null(created["workspaces_count"]); // the gateway's create answer has no counts
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Again", org_id = org, requested_by_actor_id = "x" })).Error(HttpStatusCode.Conflict, "organization_exists");
        var slugged = (await f.Admin.PostAsync("/v1/organizations", new { name = $"Slug Me {org}", requested_by_actor_id = "x" })).Ok()["organization"]!;
        Assert.Equal($"slug-me-{org}", slugged["org_id"].Str());

        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "prod", name = "early" }))
            .Error(HttpStatusCode.NotFound, "workspace_not_found");
        var ws = (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { org_id = org, name = "Prod", environment = "production", region = "eu-west" }))
            .Ok()["workspace"]!;
        Assert.Equal(("prod", org, "production", "active", "eu-west"),
            (ws["workspace_id"].Str(), ws["org_id"].Str(), ws["environment"].Str(), ws["status"].Str(), ws["region"].Str()));
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "prod", environment = "sandbox" })).Error(HttpStatusCode.Conflict, "workspace_exists");
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Staging", workspace_id = "stage", environment = "staging" })).Ok();

        var got = (await f.Admin.GetJsonAsync($"/v1/organizations/{org}")).Ok()["organization"]!;
        Assert.Equal((2, 1), (got["workspaces_count"]!.GetValue<int>(), got["members_count"]!.GetValue<int>()));
        Assert.Equal("gold", got["metadata"]!["tier"].Str());
        Assert.Equal(["prod", "stage"], (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/workspaces")).Ok()["workspaces"]!.AsArray().Select(w => w!["workspace_id"].Str()));
        Assert.Equal("Staging", (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/workspaces/stage")).Ok()["workspace"]!["name"].Str());
        var orgs = (await f.Admin.GetJsonAsync("/v1/organizations")).Ok()["organizations"]!.AsArray().Select(o => o!["org_id"].Str()).ToList();
        Assert.Contains(org, orgs);
        Assert.Contains("default", orgs); // a fresh node's tenant is an ordinary organization

        var sa = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "prod", name = "worker" })).Ok()["service_account"]!;
        Assert.Equal($"agent://{org}/prod/worker", sa["agent_address"].Str());
    }

    [Fact]
    public async Task A_workspace_key_reads_its_own_organization_only_and_changes_it_only_as_an_org_admin_member()
    {
        var org = NewId("tk");
        var (client, _, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "main", "operator");
        var own = (await client.GetJsonAsync("/v1/organizations")).Ok()["organizations"]!.AsArray();
        Assert.Equal(org, Assert.Single(own)!["org_id"].Str());
        (await client.GetJsonAsync($"/v1/organizations/{org}/workspaces")).Ok();
        (await client.GetJsonAsync("/v1/organizations/acme")).Error(HttpStatusCode.Forbidden);
        (await client.GetJsonAsync("/v1/organizations/acme/members")).Error(HttpStatusCode.Forbidden);
        (await client.PostAsync("/v1/organizations", new { name = "Mine", requested_by_actor_id = "me" })).Error(HttpStatusCode.Forbidden);
        (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "Renamed" })).Error(HttpStatusCode.Forbidden);

        // Made an org_admin member, the same key manages its organization (and only its own).
        var me = (await client.GetJsonAsync("/v1/service-accounts")).Ok()["service_accounts"]!.AsArray().Single(a => a!["name"].Str() == "operator")!;
        var member = (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { actor_id = me["service_account_id"].Str(), role = "org_admin" }))
            .Ok()["member"]!;
        Assert.Equal(("org_admin", "active", org), (member["role"].Str(), member["status"].Str(), member["org_id"].Str()));
        Assert.Equal("Renamed", (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "Renamed" })).Ok()["organization"]!["name"].Str());
        (await client.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Second", environment = "sandbox" })).Ok();
        var helper = (await client.PostAsync($"/v1/organizations/{org}/members", new { actor_id = "usr_helper", role = "member", workspace_id = "second" })).Ok()["member"]!;
        Assert.Equal("second", helper["workspace_id"].Str());
        Assert.Equal(3, (await client.GetJsonAsync($"/v1/organizations/{org}/members?workspace_id=second")).Ok()["members"]!.AsArray().Count);
        Assert.Equal(2, (await client.GetJsonAsync($"/v1/organizations/{org}/members?workspace_id=main")).Ok()["members"]!.AsArray().Count);
        Assert.Equal("billing_viewer", (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/members/{helper["member_id"].Str()}", new { role = "billing_viewer" }))
            .Ok()["member"]!["role"].Str());
        var removed = (await client.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{org}/members/{helper["member_id"].Str()}")).Ok();
        Assert.Equal((true, helper["member_id"].Str()), (removed["removed"]!.GetValue<bool>(), removed["member_id"].Str()));
        Assert.DoesNotContain((await client.GetJsonAsync($"/v1/organizations/{org}/members")).Ok()["members"]!.AsArray(), m => m!["member_id"].Str() == helper["member_id"].Str());
        (await client.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{org}/members/{helper["member_id"].Str()}")).Error(HttpStatusCode.NotFound, "member_not_found");
        (await client.SendJsonAsync(HttpMethod.Patch, "/v1/organizations/acme", new { name = "Taken over" })).Error(HttpStatusCode.Forbidden);

        // The last owner stays an owner.
        var owner = (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/members")).Ok()["members"]!.AsArray().Single(m => m!["role"].Str() == "org_owner")!;
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{org}/members/{owner["member_id"].Str()}")).Error(HttpStatusCode.Conflict, "last_owner");
    }

    [Fact]
    public async Task A_suspended_workspace_refuses_its_keys_and_an_archive_waits_for_its_live_intents()
    {
        var org = NewId("ts");
        var (client, address, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "ops", "runner");
        var intentId = (await client.PostAsync("/v1/intents", new { intent_type = "intent.tenancy.v1", to_agent = address })).Ok()["intent_id"].Str();

        var suspended = (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "suspended" })).Ok();
        Assert.Equal("suspended", suspended["workspace"]!["status"].Str());
        (await client.GetJsonAsync($"/v1/intents/{intentId}")).Error(HttpStatusCode.Forbidden, "workspace_suspended");
        (await f.Admin.GetJsonAsync($"/v1/intents/{intentId}")).Ok(); // admin keys act anywhere
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "ops", name = "late" })).Error(HttpStatusCode.Conflict, "workspace_suspended");
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "active" })).Ok();
        (await client.GetJsonAsync($"/v1/intents/{intentId}")).Ok();

        // Archiving is refused while an intent of the workspace is live, then allowed; the organization archives last.
        var refused = (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "archived" }))
            .Error(HttpStatusCode.Conflict, "workspace_has_live_intents");
        Assert.Contains(intentId, refused.Text);
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { status = "archived" })).Error(HttpStatusCode.Conflict, "organization_has_workspaces");
        (await client.PostAsync($"/v1/intents/{intentId}/resolve", new { status = "COMPLETED", result = new { done = true } })).Ok();
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "archived" })).Ok();
        (await client.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.Forbidden, "workspace_archived");
        Assert.Equal("archived", (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { status = "archived" })).Ok()["organization"]!["status"].Str());
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "New", environment = "sandbox" })).Error(HttpStatusCode.Conflict, "organization_archived");
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "active" })).Error(HttpStatusCode.Conflict, "organization_archived");
        // Reactivated, the organization and then the workspace act again: nothing was deleted.
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { status = "active" })).Ok();
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/workspaces/ops", new { status = "active" })).Ok();
        Assert.Equal("COMPLETED", (await client.GetJsonAsync($"/v1/intents/{intentId}")).Ok()["intent"]!["status"].Str());
    }

    [Fact]
    public async Task Bad_input_is_a_422_naming_the_field_and_unknown_ids_404()
    {
        var org = NewId("tb");
        (await f.Admin.PostAsync("/v1/organizations", new { requested_by_actor_id = "x" })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.Admin.PostAsync("/v1/organizations", new { name = "A", requested_by_actor_id = "x" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Ünïcode ☃", org_id = "Bad Id!", requested_by_actor_id = "x" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
        (await f.Admin.PostAsync("/v1/organizations", new { name = "☃☃☃", requested_by_actor_id = "x" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Meta", org_id = org, metadata = "no" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Fine", org_id = org })).Ok(); // requested_by_actor_id defaults to the caller
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Prod" })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Prod", environment = "moon" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Prod", environment = "sandbox", org_id = "acme" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync($"/v1/organizations/{org}/workspaces", new { name = "Prod", environment = "sandbox", region = "x" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { status = "gone" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { actor_id = "x", role = "king" })).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { role = "member" })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { actor_id = "x", role = "member", workspace_id = "nope" })).Error(HttpStatusCode.NotFound, "workspace_not_found");
        (await f.Admin.GetJsonAsync("/v1/organizations/no-such-org")).Error(HttpStatusCode.NotFound, "organization_not_found");
        (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/workspaces/nope")).Error(HttpStatusCode.NotFound, "workspace_not_found");
        (await f.Admin.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}/members/mem_nope", new { role = "member" })).Error(HttpStatusCode.NotFound, "member_not_found");
        (await f.Admin.GetJsonAsync("/v1/organizations/Not%20Valid")).Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
    }

    [Fact]
    public async Task An_admin_key_writes_schemas_templates_and_files_only_into_a_workspace_that_exists()
    {
        var scope = $"?org_id={NewId("tw")}&workspace_id=nowhere";
        (await f.Admin.PostAsync("/v1/schemas" + scope, new { semantic_type = "intent.tenancy.schema.v1", schema_json = new { type = "object" } }))
            .Error(HttpStatusCode.NotFound, "workspace_not_found");
        (await f.Admin.PostAsync("/v1/tool-registry/macros" + scope, new { macro_id = "nowhere", steps = new[] { new { id = "a", type = "agent", agent = "x" } } }))
            .Error(HttpStatusCode.NotFound, "workspace_not_found");
        (await f.Admin.PostAsync("/v1/media/create-upload" + scope, new { filename = "a.txt", mime_type = "text/plain", size_bytes = 1 }))
            .Error(HttpStatusCode.NotFound, "workspace_not_found");
        // The admin's own workspace, or one that exists, takes them.
        (await f.Admin.PostAsync("/v1/schemas?org_id=acme&workspace_id=prod", new { semantic_type = "intent.tenancy.schema.v1", schema_json = new { type = "object" } })).Ok();
    }

    [Fact]
    public async Task Workspace_members_are_included_and_excluded_as_the_CLI_does_it()
    {
        var org = NewId("ti");
        await Tenants.EnsureWorkspaceAsync(f.Admin, org, "team");
        var included = (await f.Admin.PostAsync("/v1/workspaces/team/members/include", new { org_id = org, actor_id = "usr_team", role = "workspace_admin" })).Ok()["member"]!;
        Assert.Equal(("team", "workspace_admin", org), (included["workspace_id"].Str(), included["role"].Str(), included["org_id"].Str()));
        Assert.Contains((await f.Admin.GetJsonAsync($"/v1/organizations/{org}/members?workspace_id=team")).Ok()["members"]!.AsArray(),
            m => m!["member_id"].Str() == included["member_id"].Str());
        (await f.Admin.PostAsync("/v1/workspaces/nowhere/members/include", new { org_id = org, actor_id = "usr_x", role = "member" })).Error(HttpStatusCode.NotFound, "workspace_not_found");
        var owner = (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/members")).Ok()["members"]!.AsArray().Single(m => m!["role"].Str() == "org_owner")!;
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/workspaces/team/members/{owner["member_id"].Str()}/exclude?org_id={org}")).Error(HttpStatusCode.Conflict, "member_not_in_workspace");
        var excluded = (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/workspaces/team/members/{included["member_id"].Str()}/exclude?org_id={org}")).Ok();
        Assert.True(excluded["removed"]!.GetValue<bool>());
        (await f.A.PostAsync("/v1/workspaces/prod/members/include", new { actor_id = "usr_y", role = "member" })).Error(HttpStatusCode.Forbidden); // not acme's admin
    }
}

