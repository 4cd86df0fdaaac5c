using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;
using Axme.Grains.Schemas;

namespace Axme.Grains.Workflows;

/// <summary>
/// Compiles bundles where the task rules live (HumanTasks, RuntimeSteps) and the semantic schemas are, in the silo that
/// took the request: no state of its own beyond per-silo caches (ScenarioPlans, SemanticSchemaCache), so no grain hop
/// (it was a stateless worker grain until 2026-12-06: one more message and the bundle's JSON written and parsed again
/// per apply). A bundle that names a template (workflow.macro_id) is expanded first: a built-in template, else the
/// caller's workspace's own (ScenarioRegistryGrain). The bundle is read, not changed.
/// </summary>
public sealed class ScenarioCompilation(IGrainFactory grains, SemanticSchemaCache schemas, ScenarioPlans plans) : IScenarioCompiler
{
    public async Task<ScenarioCheck> CompileAsync(JsonObject bundle, Caller caller)
    {
        if (ScenarioMacros.MacroIdOf(bundle) is { } macroId)
        {
            var macro = await grains.GetGrain<IScenarioRegistryGrain>(IScenarioRegistryGrain.KeyFor(caller.OrgId, caller.WorkspaceId)).GetMacroAsync(macroId);
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
