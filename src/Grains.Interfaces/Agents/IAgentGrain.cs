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

    /// <summary>Changes the delivery binding and its settings.</summary>
    [Alias("Configure")]
    Task<AgentRecord> ConfigureAsync(DeliverySettings settings);

    /// <summary>Adds a listener that is woken when a delivery becomes available.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IAgentObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IAgentObserver observer);

    /// <summary>
    /// Hands deliverable intents to the agent's binding again (the delivery sweep: a wake-up lost in a
    /// crash). Stream and poll agents need nothing: their listeners read durable state.
    /// </summary>
    [Alias("Redispatch")]
    Task RedispatchAsync(IReadOnlyList<Guid> intentIds);

    /// <summary>Dispatches an intent that became deliverable to this agent: wakes listeners (stream, poll) or starts an http delivery.</summary>
    [OneWay, Alias("NotifyDeliverable")]
    Task NotifyDeliverableAsync(Guid intentId);
}
