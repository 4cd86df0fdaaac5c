using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>The audit log (issue 14 item 6, docs/adr/028): who did what, to what, from where; read by admins and an organization's auditors.</summary>
[Collection(NodeCollection.Name)]
public sealed class AuditTests(NodeFixture f)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static List<JsonObject> Events(JsonResponse r) => [.. r.Ok()["events"]!.AsArray().Select(e => e!.AsObject())];

    [Fact]
    public async Task Tenancy_key_and_sign_in_actions_are_recorded_once_with_actor_target_and_outcome()
    {
        var org = NewId("au");
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Audited", org_id = org }, idempotencyKey: org)).Ok();
        (await f.Admin.PostAsync("/v1/organizations", new { name = "Audited", org_id = org }, idempotencyKey: org)).Ok(); // a replay: not a second action
        var (client, _, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "ops", "auditor-bot");
        var me = (await client.GetJsonAsync("/v1/service-accounts")).Ok()["service_accounts"]!.AsArray().Single(a => a!["name"].Str() == "auditor-bot")!;
        var accountId = me["service_account_id"].Str();
        (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "Taken over" })).Error(HttpStatusCode.Forbidden);
        var member = (await f.Admin.PostAsync($"/v1/organizations/{org}/members", new { actor_id = accountId, role = "security_auditor" })).Ok()["member"]!;

        var events = Events(await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}"));
        Assert.Single(events, e => e["action"].Str() == "organization.create");
        var created = events.Single(e => e["action"].Str() == "workspace.create");
        Assert.Equal(("succeeded", "admin", org), (created["outcome"].Str(), created["actor_kind"].Str(), created["org_id"].Str()));
        var refused = events.Single(e => e["action"].Str() == "organization.update");
        Assert.Equal(("refused", accountId, "forbidden"), (refused["outcome"].Str(), refused["actor_id"].Str(), refused["details"]!["code"].Str()));
        Assert.Equal("127.0.0.1", refused["source_ip"].Str());
        Assert.Contains(events, e => e["action"].Str() == "key.create" && e["target_id"].Str() == accountId);
        Assert.Contains(events, e => e["action"].Str() == "member.add");
        // Newest first, a page at a time.
        var ids = events.Select(e => long.Parse(e["event_id"].Str())).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        var first = await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&limit=2");
        var next = first.Ok()["next_cursor"].Str();
        Assert.Equal(ids[2], long.Parse(Events(await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&limit=2&cursor={next}"))[0]["event_id"].Str()));
        Assert.All(Events(await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&action_prefix=member.")), e => Assert.StartsWith("member.", e["action"].Str()));

        // The organization's security auditor reads its events, not another organization's; a plain key reads none.
        Assert.NotEmpty(Events(await client.GetJsonAsync("/v1/audit/events")));
        (await client.GetJsonAsync("/v1/audit/events?org_id=acme")).Error(HttpStatusCode.Forbidden);
        (await f.A.GetJsonAsync("/v1/audit/events")).Error(HttpStatusCode.Forbidden);
        (await f.Admin.SendJsonAsync(HttpMethod.Delete, $"/v1/organizations/{org}/members/{member["member_id"].Str()}")).Ok();
        (await client.GetJsonAsync("/v1/audit/events")).Error(HttpStatusCode.Forbidden);
        (await f.Admin.GetJsonAsync("/v1/audit/events?since=yesterday")).Error(HttpStatusCode.UnprocessableEntity);
        (await f.Admin.GetJsonAsync("/v1/audit/events?cursor=x")).Error(HttpStatusCode.UnprocessableEntity, "invalid_cursor");
    }

    [Fact]
    public async Task Sign_ins_are_recorded_failed_ones_with_the_address_that_tried()
    {
        var email = $"a{Guid.NewGuid():N}"[..12] + "@example.com";
        (await f.Admin.PostAsync("/v1/users", new { org_id = "acme", workspace_id = "prod", name = email.Split('@')[0], email })).Ok();
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email, password = "correct horse battery" })).Ok();
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        (await anonymous.PostAsync("/v1/auth/login", new { email, password = "wrong password!" })).Error(HttpStatusCode.Unauthorized);
        var grant = (await anonymous.PostAsync("/v1/auth/login", new { email, password = "correct horse battery" })).Ok();

        var failed = Events(await f.Admin.GetJsonAsync($"/v1/audit/events?action_prefix=auth.login&actor_id={Uri.EscapeDataString(email)}"));
        Assert.Equal(("refused", "anonymous"), (Assert.Single(failed)["outcome"].Str(), failed[0]["actor_kind"].Str()));
        var ok = Events(await f.Admin.GetJsonAsync($"/v1/audit/events?org_id=acme&action_prefix=auth.login&actor_id={grant["user_id"].Str()}"));
        Assert.Equal(("succeeded", "person", grant["session_id"].Str()), (Assert.Single(ok)["outcome"].Str(), ok[0]["actor_kind"].Str(), ok[0]["session_id"].Str()));
        Assert.Contains(Events(await f.Admin.GetJsonAsync("/v1/audit/events?action_prefix=auth.password.set&limit=500")), e => e["actor_kind"].Str() == "admin");
    }
}
