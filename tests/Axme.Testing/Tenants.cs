namespace Axme.Testing;

/// <summary>Service accounts for tests: one in a workspace with a fresh key, created with the admin key.</summary>
public static class Tenants
{
    /// <summary>A client using the new key, the account's agent address and the key itself (to type into the web inbox).</summary>
    public static async Task<(HttpClient Client, string Address, string Key)> CreateAsync(NodeProcess node, HttpClient admin, string org, string ws, string name)
    {
        var sa = (await admin.PostAsync("/v1/service-accounts", new { org_id = org, workspace_id = ws, name })).Ok();
        var id = sa["service_account"]!["service_account_id"].Str();
        var key = (await admin.PostAsync($"/v1/service-accounts/{id}/keys", new { })).Ok()["key"]!["token"].Str();
        return (node.CreateClient(key), sa["service_account"]!["agent_address"].Str(), key);
    }
}
