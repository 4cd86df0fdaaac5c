using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Agents;

/// <summary>Durable state of a workspace's mesh log: its newest events, oldest first.</summary>
[GenerateSerializer, Alias("axme.mesh-event-log-state")]
public sealed class MeshEventLogState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public List<MeshEventRecord> Events { get; set; } = [];
}

/// <summary>
/// A workspace's mesh log (kills, resumes, agents coming online): the audit of who stopped which agent. Bounded to the
/// newest <see cref="Kept"/> events; written on each, which are rare (an operator's action, an agent starting).
/// </summary>
public sealed class MeshEventLogGrain(
    [PersistentState(AxmeNames.MeshEventLogState, AxmeNames.Storage)] IPersistentState<MeshEventLogState> state) : Grain, IMeshEventLogGrain
{
    public const int Kept = 1000;

    public async Task AppendAsync(MeshEventRecord e)
    {
        state.State.Events.Add(e);
        if (state.State.Events.Count > Kept) state.State.Events.RemoveRange(0, state.State.Events.Count - Kept);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<MeshEventRecord>> ListAsync(int limit, string? eventType, string? address) =>
        Task.FromResult<IReadOnlyList<MeshEventRecord>>([.. Enumerable.Reverse(state.State.Events)
            .Where(e => (eventType is null || e.EventType == eventType) && (address is null || e.Address == address))
            .Take(limit)]);
}
