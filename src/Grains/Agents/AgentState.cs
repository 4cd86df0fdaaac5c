using Axme.Grains.Interfaces.Agents;

namespace Axme.Grains.Agents;

/// <summary>Durable state of an agent grain.</summary>
[GenerateSerializer, Alias("axme.agent-state")]
public sealed class AgentState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public AgentRecord? Agent { get; set; }
    /// <summary>Heartbeats and reported metrics (the mesh); written at most once a minute unless something changed.</summary>
    [Id(2)] public AgentHealth? Health { get; set; }
}
