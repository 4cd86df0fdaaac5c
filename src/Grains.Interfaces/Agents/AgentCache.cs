using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Agents;

/// <summary>
/// Agents' records kept per silo: a scenario apply looks up each agent of its bundle (whether it exists, how it is
/// reached), one grain call per apply to an activation every apply to that agent asks. A change of the agent is seen
/// at once: its grain tells this silo to forget the record before the change returns (<see cref="KeptAnswers{TAnswer, THolder}"/>).
/// </summary>
public sealed class AgentCache(IGrainFactory grains, TimeProvider time) : KeptAnswers<AgentRecord, IAgentHolder>(grains, time), IAgentHolder
{
    /// <summary>The live agent at this canonical address, or null when none (a missing agent is asked for again each time).</summary>
    public ValueTask<AgentRecord?> GetAgentAsync(string address) => GetAsync(address);

    protected override async Task<(AgentRecord? Answer, DateTimeOffset? ExpiresAt)> HoldAsync(string key, IAgentHolder holder) =>
        (await Grains.GetGrain<IAgentGrain>(key).HoldAsync(holder), null);
}
