using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;
using Orleans.Concurrency;

namespace Axme.Grains.Workflows;

/// <summary>Compiles bundles where the task rules live (HumanTasks, RuntimeSteps); pure work, so a stateless worker on any silo.</summary>
[StatelessWorker]
public sealed class ScenarioCompilerGrain : Grain, IScenarioCompilerGrain
{
    public Task<ScenarioCheck> CompileAsync(string bundleJson, Caller caller) =>
        Task.FromResult(ScenarioCompiler.Compile(JsonNode.Parse(bundleJson)!.AsObject(), caller));
}
