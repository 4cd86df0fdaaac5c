using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;

namespace Axme.Grains.Accounts;

/// <summary>One service account (an agent identity) and its keys. Tokens are handed out once and only their hashes kept.</summary>
public sealed class ServiceAccountGrain(
    [PersistentState(AxmeNames.ServiceAccountState, AxmeNames.Storage)] IPersistentState<ServiceAccountState> state,
    TimeProvider time) : Grain, IServiceAccountGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<ServiceAccountRecord> InitializeAsync(CreateServiceAccountCommand command)
    {
        if (state.State.Account is { } existing) return existing;
        var now = time.GetUtcNow();
        state.State.Account = new ServiceAccountRecord
        {
            ServiceAccountId = Id,
            OrgId = command.OrgId,
            WorkspaceId = command.WorkspaceId,
            Name = command.Name,
            DisplayName = command.DisplayName,
            Description = command.Description,
            Status = "active",
            CreatedByActorId = command.CreatedByActorId,
            CreatedAt = now,
            UpdatedAt = now,
            AgentAddress = AgentAddress.ForServiceAccount(command.OrgId, command.WorkspaceId, command.Name),
            IsAdmin = command.IsAdmin,
            Kind = command.Kind,
            Email = command.Email,
            Roles = command.Roles,
            Teams = command.Teams,
            PrincipalType = command.PrincipalType,
            MetadataJson = command.MetadataJson,
        };
        await state.WriteStateAsync();
        // A person signs in by e-mail (docs/adr/027): their accounts are found through the address.
        if (state.State.Account is { IsHuman: true, Email: { } email }) await Person(email).LinkAsync(Id);
        return state.State.Account;
    }

    private IPersonGrain Person(string email) => GrainFactory.GetGrain<IPersonGrain>(Persons.Key(email));

    public Task<ServiceAccountRecord?> GetAsync() => Task.FromResult(state.State.Account);

    public async Task<CreatedApiKey> CreateKeyAsync(DateTimeOffset? expiresAt, string? presetToken = null)
    {
        var account = Live();
        var token = presetToken ?? TokenHash.NewToken(Id);
        var key = new ApiKeyRecord
        {
            KeyId = "sak_" + Guid.NewGuid().ToString("N")[..20],
            ServiceAccountId = Id,
            KeyHint = TokenHash.Hint(token),
            Status = "active",
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
            TokenHash = TokenHash.Of(token),
        };
        // Bind the hash first: a key listed on the account must always authenticate.
        await GrainFactory.GetGrain<IApiKeyGrain>(key.TokenHash).RegisterAsync(new ApiKeyBinding
        {
            KeyId = key.KeyId,
            ServiceAccountId = Id,
            OrgId = account.OrgId,
            WorkspaceId = account.WorkspaceId,
            AgentAddress = account.AgentAddress,
            IsAdmin = account.IsAdmin,
            IsHuman = account.IsHuman,
            ExpiresAt = expiresAt,
            AgentKilled = state.State.AgentKilled,
        });
        state.State.Account = account with { Keys = [.. account.Keys, key], UpdatedAt = key.CreatedAt };
        await state.WriteStateAsync();
        return new CreatedApiKey(key, token);
    }

    public async Task SetAgentKilledAsync(bool killed)
    {
        var account = Live();
        if (state.State.AgentKilled != killed)
        {
            state.State.AgentKilled = killed;
            await state.WriteStateAsync();
        }
        // Every time, not only on a change: a kill a crash interrupted is completed by the next one.
        foreach (var key in account.Keys.Where(k => k.Status == "active"))
            await GrainFactory.GetGrain<IApiKeyGrain>(key.TokenHash).SetAgentKilledAsync(killed);
    }

    public async Task<CreatedApiKey?> CreateFirstKeyAsync() =>
        Live().Keys.Any(k => k.Status == "active") ? null : await CreateKeyAsync(null);

    public async Task<ApiKeyRecord> RevokeKeyAsync(string keyId)
    {
        var account = Live();
        var key = account.Keys.FirstOrDefault(k => k.KeyId == keyId) ?? throw ProtocolException.NotFound("key", keyId);
        if (key.Status == "revoked") return key;
        // Revoke the hash first, so the key stops working even if the bookkeeping write below fails.
        await GrainFactory.GetGrain<IApiKeyGrain>(key.TokenHash).RevokeAsync();
        var revoked = key with { Status = "revoked", RevokedAt = time.GetUtcNow() };
        state.State.Account = account with { Keys = [.. account.Keys.Select(k => k.KeyId == keyId ? revoked : k)], UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        return revoked;
    }

    public async Task<ServiceAccountRecord> UpdateHumanAsync(UpdateHumanCommand command)
    {
        var account = Live();
        if (!account.IsHuman) throw ProtocolException.NotFound("user", Id);
        var nick = command.Nick is { } wanted ? Nicks.Parse(wanted) : ((string, string)?)null;
        // The new nick is taken first (one grain per nick: unique on the node), the old one freed once this is written.
        if (nick is { } n && !await GrainFactory.GetGrain<INickGrain>(n.Item2).ClaimAsync(Id))
            throw ProtocolException.Conflict("nick_taken", $"the nick {n.Item1} is taken");
        var updated = account with
        {
            DisplayName = command.DisplayName ?? account.DisplayName,
            Email = command.Email ?? account.Email,
            Roles = command.Roles ?? account.Roles,
            Teams = command.Teams ?? account.Teams,
            Nick = nick?.Item1 ?? account.Nick,
            Phone = command.Phone ?? account.Phone,
        };
        state.State.Account = updated with { UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        if (account.Nick is { } oldNick && nick is { } changed && Nicks.Parse(oldNick).Normalized != changed.Item2)
            await GrainFactory.GetGrain<INickGrain>(Nicks.Parse(oldNick).Normalized).ReleaseAsync(Id);
        if (account.Email != updated.Email)
        {
            if (account.Email is { } old) await Person(old).UnlinkAsync(Id);
            if (updated.Email is { } email) await Person(email).LinkAsync(Id);
        }
        return state.State.Account;
    }

    public async Task<ServiceAccountRecord> DeleteAsync()
    {
        var account = Live();
        foreach (var key in account.Keys.Where(k => k.Status == "active"))
            await RevokeKeyAsync(key.KeyId);
        state.State.Account = state.State.Account! with { Status = "deleted", UpdatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IAgentGrain>(account.AgentAddress).UnregisterAsync();
        if (account is { IsHuman: true, Email: { } email }) await Person(email).UnlinkAsync(Id);
        if (account.Nick is { } nick) await GrainFactory.GetGrain<INickGrain>(Nicks.Parse(nick).Normalized).ReleaseAsync(Id);
        await GrainFactory.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(account.OrgId, account.WorkspaceId))
            .RemoveServiceAccountAsync(Id);
        return state.State.Account;
    }

    private ServiceAccountRecord Live() =>
        state.State.Account is { Status: "active" } a ? a : throw ProtocolException.NotFound("service_account", Id);
}
