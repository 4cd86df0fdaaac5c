using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;

namespace Axme.Grains.People;

/// <summary>Durable state of a nick.</summary>
[GenerateSerializer, Alias("axme.nick-state")]
public sealed class NickState
{
    [Id(0)] public string? AccountId { get; set; }
}

/// <summary>A nick's holder: one grain per nick makes "unique on the node" a single-writer check.</summary>
public sealed class NickGrain([PersistentState(AxmeNames.NickState, AxmeNames.Storage)] IPersistentState<NickState> state) : Grain, INickGrain
{
    public async Task<bool> ClaimAsync(string accountId)
    {
        if (state.State.AccountId is { } holder) return holder == accountId;
        state.State.AccountId = accountId;
        await state.WriteStateAsync();
        return true;
    }

    public async Task ReleaseAsync(string accountId)
    {
        if (state.State.AccountId != accountId) return;
        state.State.AccountId = null;
        await state.WriteStateAsync();
    }

    public Task<string?> OwnerAsync() => Task.FromResult(state.State.AccountId);
}
