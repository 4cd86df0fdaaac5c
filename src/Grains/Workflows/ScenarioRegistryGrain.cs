using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Workflows;

/// <summary>
/// A workspace's workflow templates and registered scenarios (docs/adr/021). Small (bounded by <see cref="MaxMacros"/>
/// and <see cref="MaxScenarios"/>), read on every start of a registered scenario and every apply of a bundle that names
/// a template, so it is kept whole in memory.
/// </summary>
public sealed class ScenarioRegistryGrain(
    [PersistentState(AxmeNames.ScenarioRegistryState, AxmeNames.Storage)] IPersistentState<ScenarioRegistryState> state,
    TimeProvider time) : Grain, IScenarioRegistryGrain
{
    public const int MaxMacros = 200;
    public const int MaxScenarios = 500;
    /// <summary>The JSON text of all templates and bundles together: the state is one row, written whole on each change.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public Task<IReadOnlyList<WorkflowMacro>> ListMacrosAsync() =>
        Task.FromResult<IReadOnlyList<WorkflowMacro>>([.. ScenarioMacros.BuiltIns, .. state.State.Macros.OrderBy(m => m.MacroId, StringComparer.Ordinal)]);

    public Task<WorkflowMacro?> GetMacroAsync(string macroId) =>
        Task.FromResult(ScenarioMacros.BuiltIn(macroId) ?? state.State.Macros.Find(m => m.MacroId == macroId));

    public async Task<WorkflowMacro> PutMacroAsync(string definitionJson, Caller caller)
    {
        Admin(caller, "register or replace a workflow template");
        var (macro, errors) = ScenarioMacros.Define(JsonNode.Parse(definitionJson)!.AsObject());
        if (macro is null) throw ProtocolException.Problems("the template is not valid", errors);
        NotBuiltIn(macro.MacroId);
        var existing = state.State.Macros.Find(m => m.MacroId == macro.MacroId);
        if (existing is null && state.State.Macros.Count >= MaxMacros)
            throw ProtocolException.Conflict("registry_full", $"this workspace has {MaxMacros} templates, the most it may have; delete one first");
        FitsIn(macro.StepsJson.Length - (existing?.StepsJson.Length ?? 0));
        var now = time.GetUtcNow();
        var saved = macro with
        {
            Version = (existing?.Version ?? 0) + 1, CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now,
            CreatedBy = existing?.CreatedBy ?? caller.ServiceAccountId,
        };
        if (existing is not null) state.State.Macros.Remove(existing);
        state.State.Macros.Add(saved);
        await state.WriteStateAsync();
        return saved;
    }

    public async Task<bool> DeleteMacroAsync(string macroId, Caller caller)
    {
        Admin(caller, "delete a workflow template");
        NotBuiltIn(macroId);
        if (state.State.Macros.RemoveAll(m => m.MacroId == macroId) == 0) return false;
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<RegisteredScenario>> ListScenariosAsync() =>
        Task.FromResult<IReadOnlyList<RegisteredScenario>>([.. state.State.Scenarios.OrderBy(s => s.ScenarioId, StringComparer.Ordinal)]);

    public Task<RegisteredScenario?> GetScenarioAsync(string scenarioId) => Task.FromResult(state.State.Scenarios.Find(s => s.ScenarioId == scenarioId));

    public async Task<RegisteredScenario> PutScenarioAsync(RegisteredScenario scenario, Caller caller)
    {
        var existing = state.State.Scenarios.Find(s => s.ScenarioId == scenario.ScenarioId);
        if (existing is not null) MayChange(existing, caller);
        else if (state.State.Scenarios.Count >= MaxScenarios)
            throw ProtocolException.Conflict("registry_full", $"this workspace has {MaxScenarios} registered scenarios, the most it may have; delete one first");
        FitsIn(scenario.BundleJson.Length - (existing?.BundleJson.Length ?? 0));
        var now = time.GetUtcNow();
        var saved = scenario with
        {
            Version = (existing?.Version ?? 0) + 1, CreatedBy = existing?.CreatedBy ?? caller.ServiceAccountId,
            CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now,
        };
        if (existing is not null) state.State.Scenarios.Remove(existing);
        state.State.Scenarios.Add(saved);
        await state.WriteStateAsync();
        return saved;
    }

    public async Task<bool> DeleteScenarioAsync(string scenarioId, Caller caller)
    {
        if (state.State.Scenarios.Find(s => s.ScenarioId == scenarioId) is not { } existing) return false;
        MayChange(existing, caller);
        state.State.Scenarios.Remove(existing);
        await state.WriteStateAsync();
        return true;
    }

    private void FitsIn(int growth)
    {
        var size = state.State.Macros.Sum(m => (long)m.StepsJson.Length) + state.State.Scenarios.Sum(s => (long)s.BundleJson.Length);
        if (size + growth > MaxBytes)
            throw ProtocolException.Conflict("registry_full", $"this workspace's templates and scenarios would exceed {MaxBytes / (1024 * 1024)} MiB of JSON; delete some first");
    }

    /// <summary>A workspace template changes every bundle that names it: an admin's decision, like a payload schema (ADR 017).</summary>
    private static void Admin(Caller caller, string what)
    {
        if (!caller.IsAdmin) throw new ProtocolException(403, "admin_required", $"only an admin key may {what}");
    }

    private static void NotBuiltIn(string macroId)
    {
        if (ScenarioMacros.BuiltIn(macroId) is not null)
            throw ProtocolException.Conflict("builtin_macro", $"{macroId} is a built-in template: it cannot be replaced or deleted; register yours under another id");
    }

    /// <summary>What others start is changed only by whoever registered it, or by an admin.</summary>
    private static void MayChange(RegisteredScenario existing, Caller caller)
    {
        if (!caller.IsAdmin && existing.CreatedBy != caller.ServiceAccountId)
            throw new ProtocolException(403, "not_scenario_owner", $"scenario {existing.ScenarioId} was registered by another service account; only it or an admin may change it");
    }
}
