using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Workflows;

/// <summary>Durable state of one workspace's registry: its own templates and its registered scenarios.</summary>
[GenerateSerializer, Alias("axme.scenario-registry-state")]
public sealed class ScenarioRegistryState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public List<WorkflowMacro> Macros { get; set; } = [];
    [Id(2)] public List<RegisteredScenario> Scenarios { get; set; } = [];
}
