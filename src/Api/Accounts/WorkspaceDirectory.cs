using Axme.Grains.Interfaces.Accounts;

namespace Axme.Api.Accounts;

/// <summary>The live service accounts of a workspace, as both the service-account and the agent listings need them.</summary>
public static class WorkspaceDirectory
{
    public static async Task<IReadOnlyList<ServiceAccountRecord>> LiveAccountsAsync(IGrainFactory grains, string orgId, string workspaceId)
    {
        var ids = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(orgId, workspaceId)).ListServiceAccountIdsAsync();
        var accounts = await Task.WhenAll(ids.Select(id => grains.GetGrain<IServiceAccountGrain>(id).GetAsync()));
        return accounts.Where(a => a is { Status: "active" }).Select(a => a!).ToArray();
    }
}
