using System.Net;

namespace Axme.Testing;

/// <summary>Service accounts for tests: one in a workspace with a fresh key, created with the admin key.</summary>
public static class Tenants
{
    /// <summary>A client using the new key, the account's agent address and the key itself (to type into the web inbox).</summary>
    public static async Task<(HttpClient Client, string Address, string Key)> CreateAsync(NodeProcess node, HttpClient admin, string org, string ws, string name)
    {
        await EnsureWorkspaceAsync(admin, org, ws);
        var sa = (await admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = ws, name })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var key = (await admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
        return (node.CreateClient(key), sa["service_account"]!["agent_address"].Str(), key);
    }

    /// <summary>
    /// The organization and workspace exist (docs/adr/026: accounts are made only in a workspace that exists), created
    /// with the admin key when they do not; ids as given (the node makes them canonical).
    /// </summary>
    public static async Task EnsureWorkspaceAsync(HttpClient admin, string org, string ws)
    {
        var created = await admin.PostAsync("/v1/organizations", new { name = $"{org} (tests)", org_id = org, requested_by_actor_id = "tests" });
        if (created.Status != HttpStatusCode.Conflict) created.Ok();
        var workspace = await admin.PostAsync($"/v1/organizations/{org.ToLowerInvariant()}/workspaces",
            new { name = $"{ws} (tests)", workspace_id = ws, environment = "production" });
        if (workspace.Status != HttpStatusCode.Conflict) workspace.Ok();
    }
}
