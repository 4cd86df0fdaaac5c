using Axme.Grains.Interfaces.Accounts;
using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Agents;

/// <summary>One agent address (key: canonical agent://org/workspace/name): its registration and its live listeners.</summary>
[Alias("axme.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Registers (or refreshes) the agent for a service account.</summary>
    [Alias("Register")]
    Task<AgentRecord> RegisterAsync(ServiceAccountRecord account);

    /// <summary>Marks the agent deleted (its service account was deleted).</summary>
    [Alias("Unregister")]
    Task UnregisterAsync();

    /// <summary>The agent, or null when no live service account has this address.</summary>
    [Alias("Get")]
    Task<AgentRecord?> GetAsync();

    /// <summary>
    /// The same answer for a silo that keeps it (<see cref="AgentCache"/>); a live agent remembers the holder, to tell
    /// it to forget the record when the agent changes or this activation ends.
    /// </summary>
    [Alias("Hold"), ReadOnly]
    Task<AgentRecord?> HoldAsync(IAgentHolder holder);

    /// <summary>Changes the delivery binding and its settings.</summary>
    [Alias("Configure")]
    Task<AgentRecord> ConfigureAsync(DeliverySettings settings);

    /// <summary>Adds a listener that is woken when a delivery becomes available; false when the agent is killed (nothing will come).</summary>
    [Alias("Subscribe")]
    Task<bool> SubscribeAsync(IAgentObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IAgentObserver observer);

    /// <summary>
    /// Hands deliverable intents to the agent's binding again (the delivery sweep: a wake-up lost in a
    /// crash). Stream and poll agents need nothing: their listeners read durable state.
    /// </summary>
    [Alias("Redispatch")]
    Task RedispatchAsync(IReadOnlyList<Guid> intentIds);

    /// <summary>A heartbeat of the agent (POST /v1/mesh/heartbeat): when it was last seen, and what it reported.</summary>
    [Alias("Heartbeat")]
    Task<MeshAgentView> HeartbeatAsync(MeshHeartbeat beat);

    /// <summary>The agent as the mesh shows it over a window (day, week or month); null when it does not exist.</summary>
    [Alias("GetMesh")]
    Task<MeshAgentView?> GetMeshAsync(string window);

    /// <summary>
    /// Stops every delivery to the agent at once: its streams end, its keys only heartbeat (403 agent_killed), its push
    /// deliveries wait; intents to it are kept. Idempotent (a second kill changes nothing, and completes a first one a
    /// crash interrupted). The mesh log records who and why.
    /// </summary>
    [Alias("Kill")]
    Task<MeshAgentView> KillAsync(string actorId, string? reason);

    /// <summary>Undoes a kill (idempotent); the caller then hands the waiting intents to the binding again.</summary>
    [Alias("Resume")]
    Task<MeshAgentView> ResumeAsync(string actorId);

    /// <summary>
    /// Dispatches an intent that became deliverable to this agent: wakes listeners (stream, poll) or starts an http
    /// delivery. <paramref name="cursor"/>: its delivery_seq when the caller knows it (the write that made it
    /// deliverable returned it), so a stream woken for it alone sends it without reading (docs/adr/040).
    /// </summary>
    [OneWay, Alias("NotifyDeliverableAt")]
    Task NotifyDeliverableAsync(Guid intentId, long? cursor);
}
