using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;

namespace Axme.Grains.People;

/// <summary>A node secret (docs/adr/027: the session token signing key), stored protected by the caller.</summary>
public sealed class NodeSecretGrain(
    [PersistentState(AxmeNames.NodeSecretState, AxmeNames.Storage)] IPersistentState<NodeSecretState> state) : Grain, INodeSecretGrain
{
    public async Task<string> GetOrCreateAsync(string candidate)
    {
        if (state.State.Value is { } value) return value;
        state.State.Value = candidate;
        await state.WriteStateAsync();
        return candidate;
    }
}

/// <summary>Durable state of a node secret.</summary>
[GenerateSerializer, Alias("axme.node-secret-state")]
public sealed class NodeSecretState
{
    [Id(0)] public string? Value { get; set; }
}
