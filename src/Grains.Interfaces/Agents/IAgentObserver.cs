using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Agents;

/// <summary>Told that an agent has something new to deliver; listeners then read deliveries from durable state.</summary>
[Alias("axme.IAgentObserver")]
public interface IAgentObserver : IGrainObserver
{
    /// <summary>
    /// The intent became deliverable (committed). <paramref name="cursor"/>: its delivery_seq when known; a listener woken
    /// for this intent alone may send it at that cursor without reading (docs/adr/040).
    /// </summary>
    [OneWay, Alias("OnDeliverableAt")]
    Task OnDeliverableAsync(Guid intentId, long? cursor);

    /// <summary>The agent was killed: its delivery streams end now.</summary>
    [OneWay, Alias("OnKilled")]
    Task OnKilledAsync();
}
