using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Accounts;

/// <summary>One organization's receive policy or one agent's override (ADR 017 §6); nothing stored until it is first set.</summary>
public sealed class ReceivePolicyGrain(
    [PersistentState(AxmeNames.ReceivePolicyState, AxmeNames.Storage)] IPersistentState<ReceivePolicyState> state,
    TimeProvider time) : Grain, IReceivePolicyGrain
{
    /// <summary>Entries one policy holds: patterns with wildcards cover the rest.</summary>
    public const int MaxEntries = 1000;

    public Task<ReceivePolicy?> GetAsync() => Task.FromResult(state.State.Policy);

    public async Task<ReceivePolicy> SetModeAsync(string mode, ReceivePolicy defaults)
    {
        state.State.Policy = (state.State.Policy ?? defaults) with { Mode = mode };
        await state.WriteStateAsync();
        return state.State.Policy;
    }

    public async Task<(ReceivePolicy Policy, ReceivePolicyEntry Entry)> AddEntryAsync(string pattern, ReceivePolicy defaults)
    {
        var policy = state.State.Policy ?? defaults;
        if (policy.Entries.FirstOrDefault(e => e.SenderPattern == pattern) is { } existing) return (policy, existing); // idempotent by pattern
        if (policy.Entries.Count >= MaxEntries)
            throw new ProtocolException(409, "too_many_entries", $"a receive policy holds at most {MaxEntries} entries; use a wildcard pattern");
        var entry = new ReceivePolicyEntry { EntryId = "rpe_" + Guid.NewGuid().ToString("N")[..16], SenderPattern = pattern, CreatedAt = time.GetUtcNow() };
        state.State.Policy = policy with { Entries = [.. policy.Entries, entry] };
        await state.WriteStateAsync();
        return (state.State.Policy, entry);
    }

    public async Task<ReceivePolicy?> RemoveEntryAsync(string entryId)
    {
        if (state.State.Policy is not { } policy || policy.Entries.All(e => e.EntryId != entryId)) return null;
        state.State.Policy = policy with { Entries = [.. policy.Entries.Where(e => e.EntryId != entryId)] };
        await state.WriteStateAsync();
        return state.State.Policy;
    }
}

[GenerateSerializer, Alias("axme.receive-policy-state")]
public sealed class ReceivePolicyState
{
    [Id(0)] public ReceivePolicy? Policy { get; set; }
}
