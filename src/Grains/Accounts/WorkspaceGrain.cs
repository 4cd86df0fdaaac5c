using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Accounts;

/// <summary>
/// A workspace's directory: its service accounts by unique name (creation is idempotent by name) and the aliases of
/// those accounts (docs/adr/024). Account names and aliases share one namespace, so an address names one of them.
/// </summary>
public sealed class WorkspaceGrain(
    [PersistentState(AxmeNames.WorkspaceState, AxmeNames.Storage)] IPersistentState<WorkspaceState> state,
    AliasDirectory aliases,
    QuotaGate quotas,
    TimeProvider time) : Grain, IWorkspaceGrain
{
    /// <summary>Active aliases a workspace may hold.</summary>
    public const int MaxAliases = 1000;

    public async Task<(ServiceAccountRecord Account, bool Created)> CreateServiceAccountAsync(CreateServiceAccountCommand command)
    {
        var address = AgentAddress.ForServiceAccount(command.OrgId, command.WorkspaceId, command.Name);
        if (state.State.ServiceAccounts.Find(m => m.Name == address) is { } member)
        {
            var existing = await GrainFactory.GetGrain<IServiceAccountGrain>(member.ServiceAccountId).GetAsync();
            if (existing is not null) return (existing, false);
        }
        // A new account only in a workspace that exists and is active (docs/adr/026): 404 or 409 otherwise.
        await GrainFactory.GetGrain<IOrganizationGrain>(command.OrgId).RequireActiveWorkspaceAsync(command.WorkspaceId);
        if (ActiveAlias(address) is { } alias)
            throw ProtocolException.Conflict("name_is_alias", $"{address} is an alias of {alias.PrincipalAddress}: revoke it first, or choose another name");
        // The workspace's account quotas (docs/adr/029), counted here where every account is listed: exact, no query.
        var (accounts, agents) = await CountAccountsAsync();
        await quotas.CheckAsync(command.OrgId, command.WorkspaceId, QuotaDimensions.ServiceAccounts, 1, accounts);
        if (command.Kind != AccountKinds.Human)
            await quotas.CheckAsync(command.OrgId, command.WorkspaceId, QuotaDimensions.ActiveAgents, 1, agents);
        var id = "sa_" + Guid.NewGuid().ToString("N")[..20];
        // Initialise the account before listing it: a listed id must always resolve.
        var account = await GrainFactory.GetGrain<IServiceAccountGrain>(id).InitializeAsync(command);
        // The agent address resolves once the account exists; listing comes last so a listed id always resolves.
        await GrainFactory.GetGrain<IAgentGrain>(account.AgentAddress).RegisterAsync(account);
        state.State.ServiceAccounts.Add(new WorkspaceMember { ServiceAccountId = id, Name = address, Kind = account.Kind });
        await state.WriteStateAsync();
        return (account, true);
    }

    public async Task<(int Accounts, int Agents)> CountAccountsAsync()
    {
        var unknown = state.State.ServiceAccounts.Where(m => m.Kind is null).ToList();
        foreach (var member in unknown)
            member.Kind = (await GrainFactory.GetGrain<IServiceAccountGrain>(member.ServiceAccountId).GetAsync())?.Kind ?? AccountKinds.Agent;
        if (unknown.Count > 0) await state.WriteStateAsync();
        return (state.State.ServiceAccounts.Count, state.State.ServiceAccounts.Count(m => m.Kind != AccountKinds.Human));
    }

    public Task<IReadOnlyList<string>> ListServiceAccountIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.ServiceAccounts.Select(m => m.ServiceAccountId).ToArray());

    /// <summary>Forgets a deleted account (its name can be reused) and revokes its aliases: they would lead nowhere.</summary>
    public async Task RemoveServiceAccountAsync(string serviceAccountId)
    {
        var removed = state.State.ServiceAccounts.RemoveAll(m => m.ServiceAccountId == serviceAccountId) > 0;
        var revoked = state.State.Aliases.Where(a => a.PrincipalId == serviceAccountId && a.Active).Select(a => a.AliasId).ToList();
        foreach (var id in revoked) Revoke(id);
        if (removed || revoked.Count > 0) await state.WriteStateAsync();
        foreach (var id in revoked) aliases.Invalidate(Find(id).Address);
    }

    public async Task<(AliasRecord Alias, bool Created)> BindAliasAsync(BindAliasCommand command)
    {
        var (org, ws) = Workspace();
        if (state.State.ServiceAccounts.Find(m => m.ServiceAccountId == command.PrincipalId) is not { } member
            || await GrainFactory.GetGrain<IServiceAccountGrain>(member.ServiceAccountId).GetAsync() is not { Status: "active" } principal)
            throw ProtocolException.NotFound("principal", command.PrincipalId);
        string address;
        try
        {
            address = AgentAddress.ForServiceAccount(org, ws, command.Alias.Trim());
        }
        catch (ProtocolException e)
        {
            throw ProtocolException.Invalid("alias", e.Message, "invalid_alias");
        }
        if (state.State.ServiceAccounts.Any(m => m.Name == address))
            throw ProtocolException.Conflict("alias_conflicts_with_agent", $"{address} is an account's own address: an alias needs a name no account has");
        if (ActiveAlias(address) is { } taken)
            return taken.PrincipalId == principal.ServiceAccountId
                ? (taken, false)
                : throw ProtocolException.Conflict("alias_taken", $"{address} is already an alias of {taken.PrincipalAddress}");
        if (state.State.Aliases.Count(a => a.Active) >= MaxAliases)
            throw ProtocolException.Conflict("alias_limit", $"a workspace holds at most {MaxAliases} active aliases: revoke one first");
        var now = time.GetUtcNow();
        var alias = new AliasRecord
        {
            AliasId = "alias_" + Guid.NewGuid().ToString("N")[..20], PrincipalId = principal.ServiceAccountId, PrincipalAddress = principal.AgentAddress,
            OrgId = org, WorkspaceId = ws, Name = address[(address.LastIndexOf('/') + 1)..], Address = address, AliasType = command.AliasType,
            Status = AliasStatus.Active, MetadataJson = command.MetadataJson, CreatedBy = command.Actor, CreatedAt = now, UpdatedAt = now,
        };
        state.State.Aliases.Add(alias);
        await state.WriteStateAsync();
        aliases.Invalidate(address);
        return (alias, true);
    }

    public async Task<AliasRecord> RevokeAliasAsync(string aliasId)
    {
        var alias = Find(aliasId);
        if (!alias.Active) return alias;
        Revoke(aliasId);
        await state.WriteStateAsync();
        aliases.Invalidate(alias.Address);
        return Find(aliasId);
    }

    public Task<IReadOnlyList<AliasRecord>> ListAliasesAsync() => Task.FromResult<IReadOnlyList<AliasRecord>>([.. state.State.Aliases]);

    public Task<AliasRecord?> FindAliasAsync(string address) => Task.FromResult(ActiveAlias(address));

    private AliasRecord? ActiveAlias(string address) => state.State.Aliases.Find(a => a.Active && a.Address == address);

    private AliasRecord Find(string aliasId) =>
        state.State.Aliases.Find(a => a.AliasId == aliasId) ?? throw ProtocolException.NotFound("alias", aliasId);

    private void Revoke(string aliasId)
    {
        var i = state.State.Aliases.FindIndex(a => a.AliasId == aliasId);
        var now = time.GetUtcNow();
        state.State.Aliases[i] = state.State.Aliases[i] with { Status = AliasStatus.Revoked, RevokedAt = now, UpdatedAt = now };
    }

    /// <summary>The grain's key, "org/workspace".</summary>
    private (string Org, string Workspace) Workspace()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}
