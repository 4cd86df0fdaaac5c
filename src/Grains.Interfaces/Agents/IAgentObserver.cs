using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Agents;

/// <summary>Told that an agent has something new to deliver; listeners then read deliveries from durable state.</summary>
[Alias("axme.IAgentObserver")]
public interface IAgentObserver : IGrainObserver
{
    [OneWay, Alias("OnDeliverable")]
    Task OnDeliverableAsync(Guid intentId);

    /// <summary>The agent was killed: its delivery streams end now.</summary>
    [OneWay, Alias("OnKilled")]
    Task OnKilledAsync();
}
