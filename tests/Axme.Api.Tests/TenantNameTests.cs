using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Tenants cannot collide (issue 11 item 2): org and workspace names are canonical where a request names them.</summary>
[Collection(NodeCollection.Name)]
public sealed class TenantNameTests(NodeFixture f)
{
    [Fact]
    public async Task Two_spellings_of_one_name_are_one_tenant_not_two_sharing_an_address()
    {
        await Tenants.EnsureWorkspaceAsync(f.Admin, "Collide", "PROD");
        var upper = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "Collide", workspace_id = "PROD", name = "Worker One" })).Ok()["service_account"]!;
        Assert.Equal("collide", upper["org_id"].Str());
        Assert.Equal("prod", upper["workspace_id"].Str());
        Assert.Equal("agent://collide/prod/worker-one", upper["agent_address"].Str());
        var lower = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "collide", workspace_id = "prod", name = "worker-one" })).Ok()["service_account"]!;
        Assert.Equal(upper["service_account_id"].Str(), lower["service_account_id"].Str());
        var listed = (await f.Admin.GetJsonAsync("/v1/service-accounts?org_id=COLLIDE&workspace_id=Prod")).Ok()["service_accounts"]!.AsArray();
        Assert.Equal(upper["service_account_id"].Str(), Assert.Single(listed)!["service_account_id"].Str());
    }

    [Theory]
    [InlineData("a/b", "c", "org_id")]
    [InlineData("a", "b/c", "workspace_id")]
    [InlineData("acme corp", "prod", "org_id")]
    [InlineData("acme", "prod!", "workspace_id")]
    [InlineData("-acme", "prod", "org_id")]
    public async Task A_name_that_is_not_a_slug_is_422_naming_the_field_and_creates_nothing(string org, string ws, string field)
    {
        var name = "n-" + Guid.NewGuid().ToString("N")[..8];
        var r = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = ws, name })).Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
        Assert.Equal(field, r["error"]!["details"]!["field"].Str());
        (await f.Admin.GetJsonAsync($"/v1/service-accounts?org_id={Uri.EscapeDataString(org)}&workspace_id={Uri.EscapeDataString(ws)}"))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
        // The splits that once met in one key ("a/b" + "c" and "a" + "b/c") are refused, so neither exists.
        var all = (await f.Admin.GetJsonAsync("/v1/service-accounts?org_id=a&workspace_id=b")).Ok()["service_accounts"]!.AsArray();
        Assert.DoesNotContain(all, a => a!["name"].Str() == name);
    }

    [Fact]
    public async Task A_name_without_letters_or_digits_is_refused()
    {
        (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "!!--!!" }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_name");
    }
}
