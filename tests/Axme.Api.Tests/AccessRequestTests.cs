using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Access requests over HTTP (issue 14 item 2, docs/adr/030): a person asks, an admin or the organization's managers decide.</summary>
[Collection(NodeCollection.Name)]
public sealed class AccessRequestTests(NodeFixture f)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>A person (a human user with a key) in a workspace of their own.</summary>
    private async Task<(HttpClient Client, string UserId)> PersonAsync(string org, string ws)
    {
        await Tenants.EnsureWorkspaceAsync(f.Admin, org, ws);
        var email = $"p{Guid.NewGuid():N}"[..12] + "@example.com";
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = org, workspace_id = ws, name = email.Split('@')[0], email })).Ok()["user"]!;
        var id = user["user_id"].Str();
        var key = (await f.Admin.PostAsync($"/v1/users/{id}/keys", new { })).Ok()["key"]!["token"].Str();
        return (f.Node.CreateClient(key), id);
    }

    [Fact]
    public async Task A_person_asks_to_join_an_organization_its_owner_approves_and_the_membership_exists()
    {
        var home = NewId("ah");
        var target = NewId("at");
        var (person, personId) = await PersonAsync(home, "main");
        await Tenants.EnsureWorkspaceAsync(f.Admin, target, "ops");
        var (owner, ownerId) = await PersonAsync(target, "ops");
        (await f.Admin.PostAsync($"/v1/organizations/{target}/members", new { actor_id = ownerId, role = "org_admin" })).Ok();

        var asked = (await person.PostAsync("/v1/access-requests", new
        {
            request_type = "join_organization", requester_actor_id = personId, org_id = target, workspace_id = "ops", justification = "I run the night shift",
        })).Ok()["access_request"]!;
        var id = asked["access_request_id"].Str();
        Assert.Equal(("pending", "member", target, "ops"), (asked["state"].Str(), asked["requested_role"].Str(), asked["org_id"].Str(), asked["workspace_id"].Str()));
        // Asking again while it is open gives the same request; asking for someone else needs an admin key.
        Assert.Equal(id, (await person.PostAsync("/v1/access-requests", new { request_type = "join_organization", requester_actor_id = personId, org_id = target, workspace_id = "ops" }))
            .Ok()["access_request"]!["access_request_id"].Str());
        (await person.PostAsync("/v1/access-requests", new { request_type = "join_organization", requester_actor_id = "usr_someone", org_id = target })).Error(HttpStatusCode.Forbidden);
        (await person.PostAsync("/v1/access-requests", new { request_type = "join_organization", requester_actor_id = personId, org_id = "no-such-org" }))
            .Error(HttpStatusCode.NotFound, "organization_not_found");
        (await person.PostAsync("/v1/access-requests", new { request_type = "become_king", requester_actor_id = personId })).Error(HttpStatusCode.UnprocessableEntity);

        // The requester sees its own; the organization's admin sees the organization's; neither may approve its own way in.
        Assert.Contains((await person.GetJsonAsync("/v1/access-requests")).Ok()["access_requests"]!.AsArray(), r => r!["access_request_id"].Str() == id);
        Assert.Contains((await owner.GetJsonAsync($"/v1/access-requests?org_id={target}&state=pending")).Ok()["access_requests"]!.AsArray(), r => r!["access_request_id"].Str() == id);
        Assert.Contains((await owner.GetJsonAsync($"/v1/portal/enterprise/access-requests?org_id={target}")).Ok()["access_requests"]!.AsArray(), r => r!["access_request_id"].Str() == id);
        (await person.PostAsync($"/v1/access-requests/{id}/review", new { decision = "approve", reviewer_actor_id = personId })).Error(HttpStatusCode.Forbidden);

        var approved = (await owner.PostAsync($"/v1/access-requests/{id}/review", new { decision = "approve", reviewer_actor_id = ownerId, review_comment = "welcome" }))
            .Ok()["access_request"]!;
        Assert.Equal(("approved", ownerId, "welcome"), (approved["state"].Str(), approved["reviewer_actor_id"].Str(), approved["review_comment"].Str()));
        var member = (await f.Admin.GetJsonAsync($"/v1/organizations/{target}/members")).Ok()["members"]!.AsArray().Single(m => m!["actor_id"].Str() == personId)!;
        Assert.Equal(("member", "ops", "active"), (member["role"].Str(), member["workspace_id"].Str(), member["status"].Str()));
        (await owner.PostAsync($"/v1/access-requests/{id}/review", new { decision = "reject", reviewer_actor_id = ownerId })).Error(HttpStatusCode.Conflict, "not_reviewable");
        Assert.Equal("approved", (await person.GetJsonAsync($"/v1/access-requests/{id}")).Ok()["access_request"]!["state"].Str());

        // A higher role, waitlisted then approved by an admin key.
        var raise = (await person.PostAsync("/v1/access-requests", new
        {
            request_type = "elevated_role", requester_actor_id = personId, org_id = target, workspace_id = "ops", requested_role = "workspace_admin",
        })).Ok()["access_request"]!["access_request_id"].Str();
        Assert.Equal("waitlisted", (await owner.PostAsync($"/v1/access-requests/{raise}/review", new { decision = "waitlist", reviewer_actor_id = ownerId }))
            .Ok()["access_request"]!["state"].Str());
        (await f.Admin.PostAsync($"/v1/access-requests/{raise}/review", new { decision = "approve", reviewer_actor_id = "ops" })).Ok();
        Assert.Equal("workspace_admin", (await f.Admin.GetJsonAsync($"/v1/organizations/{target}/members")).Ok()["members"]!.AsArray()
            .Single(m => m!["actor_id"].Str() == personId)!["role"].Str());
        // Someone else's request is not visible to a key outside its organization.
        var (stranger, _) = await PersonAsync(NewId("as"), "main");
        (await stranger.GetJsonAsync($"/v1/access-requests/{id}")).Error(HttpStatusCode.NotFound);
        Assert.Contains((await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={target}&action_prefix=access_request.")).Ok()["events"]!.AsArray(),
            e => e!["action"].Str() == "access_request.review");
    }

    [Fact]
    public async Task A_request_for_a_new_organization_is_approved_by_an_admin_and_the_requester_owns_it()
    {
        var (person, personId) = await PersonAsync(NewId("an"), "main");
        var company = "Orchard " + Guid.NewGuid().ToString("N")[..6];
        var asked = (await person.PostAsync("/v1/access-requests", new { request_type = "create_organization", requester_actor_id = personId, company_name = company }))
            .Ok()["access_request"]!;
        var orgId = asked["org_id"].Str();
        Assert.Equal(company.ToLowerInvariant().Replace(' ', '-'), orgId);
        (await person.PostAsync($"/v1/access-requests/{asked["access_request_id"].Str()}/review", new { decision = "approve", reviewer_actor_id = personId }))
            .Error(HttpStatusCode.Forbidden);
        (await f.Admin.PostAsync($"/v1/access-requests/{asked["access_request_id"].Str()}/review", new { decision = "approve", reviewer_actor_id = "ops" })).Ok();
        var org = (await f.Admin.GetJsonAsync($"/v1/organizations/{orgId}")).Ok()["organization"]!;
        Assert.Equal(company, org["name"].Str());
        var owner = Assert.Single((await f.Admin.GetJsonAsync($"/v1/organizations/{orgId}/members")).Ok()["members"]!.AsArray())!;
        Assert.Equal((personId, "org_owner"), (owner["actor_id"].Str(), owner["role"].Str()));
        // The new owner manages it with their own key, though their account is in another organization.
        Assert.Equal("main", (await person.PostAsync($"/v1/organizations/{orgId}/workspaces", new { name = "Main", environment = "production" }))
            .Ok()["workspace"]!["workspace_id"].Str());
        Assert.Equal(orgId, (await person.GetJsonAsync($"/v1/organizations/{orgId}")).Ok()["organization"]!["org_id"].Str());
    }

    [Fact]
    public async Task A_person_made_workspace_admin_manages_the_workspaces_agents_but_never_another_persons_keys()
    {
        var org = NewId("ar");
        var (person, personId) = await PersonAsync(org, "main");
        var (_, colleagueId) = await PersonAsync(org, "main");
        var agent = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "billing" })).Ok()["service_account"]!["service_account_id"].Str();
        // A plain person's key manages no accounts.
        (await person.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "mine" })).Error(HttpStatusCode.Forbidden);
        (await person.PostAsync($"/v1/service-accounts/{agent}/keys", new { })).Error(HttpStatusCode.Forbidden);

        var membership = (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { actor_id = personId, role = "workspace_admin", workspace_id = "main" }))
            .Ok()["member"]!["member_id"].Str();
        Assert.Equal($"agent://{org}/main/mine", (await person.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "mine" }))
            .Ok()["service_account"]!["agent_address"].Str());
        (await person.PostAsync($"/v1/service-accounts/{agent}/keys", new { })).Ok(); // the workspace's agent, made by the admin
        (await person.PostAsync("/v1/users", new { org_id = org, workspace_id = "main", name = "newcomer", email = $"n{org}@example.com" })).Ok();
        // Never a colleague's credentials: that would be taking their identity.
        (await person.PostAsync($"/v1/users/{colleagueId}/keys", new { })).Error(HttpStatusCode.Forbidden);
        // Nor another workspace's accounts.
        await Tenants.EnsureWorkspaceAsync(f.Admin, org, "other");
        (await person.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "other", name = "there" })).Error(HttpStatusCode.Forbidden);

        // The role removed, the power goes at once.
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{org}/members/{membership}")).Ok();
        (await person.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = "main", name = "again" })).Error(HttpStatusCode.Forbidden);
    }
}
