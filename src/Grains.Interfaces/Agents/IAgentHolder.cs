namespace Axme.Grains.Interfaces.Agents;

/// <summary>
/// A silo that keeps agents' records (<see cref="AgentCache"/>): an <see cref="IAgentGrain"/> tells it to forget the
/// record when the agent changes (registered, deleted, its binding configured, killed or resumed), before that change
/// returns.
/// </summary>
[Alias("axme.IAgentHolder")]
public interface IAgentHolder : IGrainObserver
{
    /// <summary>Drops what this silo keeps of the agent at this address; its next lookup asks the agent's grain.</summary>
    [Alias("Forget")]
    Task ForgetAsync(string address);
}
