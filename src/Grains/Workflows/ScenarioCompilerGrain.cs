using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;
using Axme.Grains.Schemas;
using Orleans.Concurrency;

namespace Axme.Grains.Workflows;

/// <summary>
/// Compiles bundles where the task rules live (HumanTasks, RuntimeSteps) and the semantic schemas are; no state
/// of its own, so a stateless worker on any silo. A bundle that names a template (workflow.macro_id) is expanded
/// first: a built-in template, else the caller's workspace's own (ScenarioRegistryGrain).
/// </summary>
[StatelessWorker]
public sealed class ScenarioCompilerGrain(SemanticSchemaCache schemas, ScenarioPlans plans) : Grain, IScenarioCompilerGrain
{
    public async Task<ScenarioCheck> CompileAsync(string bundleJson, Caller caller)
    {
        var bundle = JsonNode.Parse(bundleJson)!.AsObject();
        if (ScenarioMacros.MacroIdOf(bundle) is { } macroId)
        {
            var macro = await GrainFactory.GetGrain<IScenarioRegistryGrain>(IScenarioRegistryGrain.KeyFor(caller.OrgId, caller.WorkspaceId)).GetMacroAsync(macroId);
            var (expanded, errors) = ScenarioMacros.Expand(bundle, macro);
            if (expanded is null) return new ScenarioCheck(errors, [], null);
            bundle = expanded;
        }
        var check = plans.Compile(bundle, caller);
        // The parent's create would refuse the payload with the same check; here apply learns it before provisioning
        // agents, and validate lists every bad field next to the bundle's other problems.
        if (ScenarioCompiler.IntentPayload(bundle) is not { } intent) return check;
        return ScenarioCompiler.WithSchemaViolations(check,
            await schemas.ViolationsAsync(caller.OrgId, caller.WorkspaceId, intent.Type, intent.PayloadJson));
    }
}
