using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Accounts;

/// <summary>One API key, keyed by its token hash. Stays activated while used, so authentication is an in-memory check.</summary>
public sealed class ApiKeyGrain(
    [PersistentState(AxmeNames.ApiKeyState, AxmeNames.Storage)] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    public async Task RegisterAsync(ApiKeyBinding binding)
    {
        if (state.State.Binding == binding && !state.State.Revoked) return;
        state.State.Binding = binding;
        state.State.Revoked = false;
        await state.WriteStateAsync();
    }

    public async Task SetAgentKilledAsync(bool killed)
    {
        if (state.State.Binding is not { } b || b.AgentKilled == killed) return;
        state.State.Binding = b with { AgentKilled = killed };
        await state.WriteStateAsync();
    }

    public Task<Caller?> AuthenticateAsync()
    {
        var s = state.State;
        if (s.Binding is not { } b || s.Revoked || (b.ExpiresAt is { } exp && exp <= time.GetUtcNow()))
            return Task.FromResult<Caller?>(null);
        return Task.FromResult<Caller?>(new Caller
        {
            ServiceAccountId = b.ServiceAccountId,
            KeyId = b.KeyId,
            OrgId = b.OrgId,
            WorkspaceId = b.WorkspaceId,
            AgentAddress = b.AgentAddress,
            IsAdmin = b.IsAdmin,
            IsHuman = b.IsHuman,
            AgentKilled = b.AgentKilled,
        });
    }

    public async Task RevokeAsync()
    {
        if (state.State.Revoked || state.State.Binding is null) return;
        state.State.Revoked = true;
        await state.WriteStateAsync();
    }
}
