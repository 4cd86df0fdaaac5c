using Orleans.Concurrency;

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

    /// <summary>How many live accounts the workspace has, and how many of them are agents (quotas, docs/adr/029).</summary>
    [Alias("CountAccounts")]
    Task<(int Accounts, int Agents)> CountAccountsAsync();

    /// <summary>Forgets a deleted account so its name can be reused.</summary>
    [Alias("Remove")]
    Task RemoveServiceAccountAsync(string serviceAccountId);

    /// <summary>
    /// Binds an alias to one of the workspace's accounts (docs/adr/024): the same active alias of the same principal is
    /// returned as it is (created = false); 409 when the name is an account's or another principal's alias.
    /// </summary>
    [Alias("BindAlias")]
    Task<(AliasRecord Alias, bool Created)> BindAliasAsync(BindAliasCommand command);

    /// <summary>Revokes an alias (already revoked: returned as it is); intents to its name stop going to its principal.</summary>
    [Alias("RevokeAlias")]
    Task<AliasRecord> RevokeAliasAsync(string aliasId);

    /// <summary>The workspace's aliases, active and revoked, oldest first.</summary>
    [Alias("ListAliases"), ReadOnly]
    Task<IReadOnlyList<AliasRecord>> ListAliasesAsync();

    /// <summary>The active alias with this address, or null (the intents' create path, through AliasDirectory's cache).</summary>
    [Alias("FindAlias"), ReadOnly]
    Task<AliasRecord?> FindAliasAsync(string address);

    /// <summary>Workspace key for org and workspace ids.</summary>
    static string KeyFor(string orgId, string workspaceId) => $"{orgId}/{workspaceId}";
}
