namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// The directory of one workspace (key: "org/workspace"): which service accounts exist and their
/// unique names. Creating by an existing name returns the existing account.
/// </summary>
[Alias("axme.IWorkspaceGrain")]
public interface IWorkspaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the service account, or returns the existing one with that name (created = false).</summary>
    [Alias("CreateServiceAccount")]
    Task<(ServiceAccountRecord Account, bool Created)> CreateServiceAccountAsync(CreateServiceAccountCommand command);

    /// <summary>Ids of the workspace's live service accounts.</summary>
    [Alias("ListServiceAccounts")]
    Task<IReadOnlyList<string>> ListServiceAccountIdsAsync();

    /// <summary>Forgets a deleted account so its name can be reused.</summary>
    [Alias("Remove")]
    Task RemoveServiceAccountAsync(string serviceAccountId);

    /// <summary>Workspace key for org and workspace ids.</summary>
    static string KeyFor(string orgId, string workspaceId) => $"{orgId}/{workspaceId}";
}
