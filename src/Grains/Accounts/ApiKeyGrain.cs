using Axme.Grains.Common;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Logging;

namespace Axme.Grains.Accounts;

/// <summary>
/// One API key, keyed by its token hash. Stays activated while used, so authentication is an in-memory check; the
/// silos that keep its answer (ApiKeyCache) are remembered here and told to forget it when the key changes, before the
/// change returns, and when this activation ends (a later one would not know them).
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState(AxmeNames.ApiKeyState, AxmeNames.Storage)] IPersistentState<ApiKeyState> state,
    TimeProvider time,
    ApiKeyCache local,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain
{
    private readonly Holders<IApiKeyHolder> _holders = new(logger);

    public async Task RegisterAsync(ApiKeyBinding binding)
    {
        if (state.State.Binding == binding && !state.State.Revoked) return;
        state.State.Binding = binding;
        state.State.Revoked = false;
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
    }

    public async Task SetAgentKilledAsync(bool killed)
    {
        if (state.State.Binding is not { } b || b.AgentKilled == killed) return;
        state.State.Binding = b with { AgentKilled = killed };
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
    }

    public Task<Caller?> AuthenticateAsync() => Task.FromResult(Current());

    public Task<ApiKeyGrant> HoldAsync(IApiKeyHolder holder)
    {
        var caller = Current();
        if (caller is not null) _holders.Add(holder);
        return Task.FromResult(new ApiKeyGrant(caller, state.State.Binding?.ExpiresAt));
    }

    public async Task RevokeAsync()
    {
        if (state.State.Revoked || state.State.Binding is null) return;
        state.State.Revoked = true;
        await state.WriteStateAsync();
        await ReleaseHoldersAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => ReleaseHoldersAsync();

    private Caller? Current()
    {
        var s = state.State;
        if (s.Binding is not { } b || s.Revoked || (b.ExpiresAt is { } exp && exp <= time.GetUtcNow())) return null;
        return new Caller
        {
            ServiceAccountId = b.ServiceAccountId,
            KeyId = b.KeyId,
            OrgId = b.OrgId,
            WorkspaceId = b.WorkspaceId,
            AgentAddress = b.AgentAddress,
            IsAdmin = b.IsAdmin,
            IsHuman = b.IsHuman,
            AgentKilled = b.AgentKilled,
        };
    }

    /// <summary>Every holder forgets the key's answer (this silo's own cache by a plain call).</summary>
    private Task ReleaseHoldersAsync()
    {
        var key = this.GetPrimaryKeyString();
        return _holders.ReleaseAsync(h => local.Direct(h).ForgetAsync(key));
    }
}
