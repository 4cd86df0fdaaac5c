using System.Text.Json.Nodes;
using Axme.Contracts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Api.Scenarios;

/// <summary>
/// Workflow templates (PROTOCOL §8.5) and registered scenarios of the caller's workspace (docs/adr/021), for REST
/// (ScenarioEndpoints, MacroEndpoints) and the MCP tools.
/// </summary>
public static class ScenarioRegistry
{
    private static IScenarioRegistryGrain Registry(IGrainFactory grains, Caller caller) => Registry(grains, (caller.OrgId, caller.WorkspaceId));

    private static IScenarioRegistryGrain Registry(IGrainFactory grains, (string OrgId, string WorkspaceId) workspace) =>
        grains.GetGrain<IScenarioRegistryGrain>(IScenarioRegistryGrain.KeyFor(workspace.OrgId, workspace.WorkspaceId));

    // Templates: of the given workspace (the caller's, or for an admin any: Query.Workspace).

    public static async Task<MacroList> ListMacrosAsync(IGrainFactory grains, (string, string) workspace) => new()
    {
        Macros = [.. (await Registry(grains, workspace).ListMacrosAsync()).Select(m => new MacroSummary
        {
            MacroId = m.MacroId, Description = m.Description, Builtin = m.Builtin, Version = m.Version, UpdatedAt = m.UpdatedAt,
        })],
    };

    public static async Task<MacroResponse> GetMacroAsync(IGrainFactory grains, (string, string) workspace, string macroId) =>
        new() { Macro = Wire(await Registry(grains, workspace).GetMacroAsync(macroId) ?? throw ProtocolException.NotFound("macro", macroId)) };

    /// <summary>Registers or replaces a workspace template (admin: every bundle of the workspace that names it changes with it).</summary>
    public static async Task<MacroResponse> PutMacroAsync(IGrainFactory grains, Caller caller, (string, string) workspace, JsonObject definition)
    {
        await Tenancy.TenancyOperations.RequireWorkspaceAsync(grains, caller, workspace);
        return new() { Macro = Wire(await Registry(grains, workspace).PutMacroAsync(definition.ToJsonString(), caller)) };
    }

    public static async Task<RegistryEntryDeleted> DeleteMacroAsync(IGrainFactory grains, Caller caller, (string, string) workspace, string macroId) =>
        await Registry(grains, workspace).DeleteMacroAsync(macroId, caller)
            ? new() { Id = macroId }
            : throw ProtocolException.NotFound("macro", macroId);

    // Registered scenarios: of the caller's workspace, where its applies compile.

    /// <summary>Registers or replaces a scenario: the bundle must compile now (its template expanded), as apply would.</summary>
    public static async Task<RegisteredScenarioResponse> RegisterAsync(IGrainFactory grains, IScenarioCompiler compiler, Caller caller, JsonObject bundle)
    {
        var (plan, warnings) = await ScenarioOperations.CompileAsync(compiler, caller, bundle);
        var saved = await Registry(grains, caller).PutScenarioAsync(new RegisteredScenario
        {
            ScenarioId = plan.ScenarioId, Title = Text(bundle["title"]), Description = Text(bundle["description"]),
            BundleJson = bundle.ToJsonString(), CompileId = plan.Workflow.CompileId, MacroId = (bundle["workflow"] as JsonObject)?["macro_id"] is { } m ? Text(m) : null,
            CreatedBy = caller.ServiceAccountId,
        }, caller);
        return new() { Scenario = Wire(saved, withBundle: true), Warnings = warnings };
    }

    public static async Task<RegisteredScenarioList> ListScenariosAsync(IGrainFactory grains, Caller caller) =>
        new() { Scenarios = [.. (await Registry(grains, caller).ListScenariosAsync()).Select(s => Wire(s, withBundle: false))] };

    public static async Task<RegisteredScenarioResponse> GetScenarioAsync(IGrainFactory grains, Caller caller, string scenarioId) =>
        new() { Scenario = Wire(await Registered(grains, caller, scenarioId), withBundle: true) };

    public static async Task<RegistryEntryDeleted> DeleteScenarioAsync(IGrainFactory grains, Caller caller, string scenarioId) =>
        await Registry(grains, caller).DeleteScenarioAsync(scenarioId, caller)
            ? new() { Id = scenarioId }
            : throw ProtocolException.NotFound("scenario", scenarioId);

    /// <summary>
    /// Starts a registered scenario: its bundle with this run's payload, template parameters and deadline, applied as
    /// POST /v1/scenarios/apply would (same answer; its compiled plan is reused while the bundle's workflow is unchanged).
    /// </summary>
    public static async Task<ScenarioApplied> StartAsync(IGrainFactory grains, IScenarioCompiler compiler, Agents.DeliveryQueries deliveries, AgentCache agents,
        NewIntents fresh, Caller caller, string scenarioId, Http.RequestBody run, string? idempotencyKey, CancellationToken ct)
    {
        var registered = await Registered(grains, caller, scenarioId);
        var bundle = JsonNode.Parse(registered.BundleJson)!.AsObject();
        // A bundle's own idempotency_key names one parent; a registered scenario is started again and again, each start
        // named by its own key (Idempotency-Key or the body's idempotency_key), else a new parent each time.
        bundle.Remove("idempotency_key");
        var intent = bundle["intent"] as JsonObject ?? throw new InvalidOperationException($"registered scenario {scenarioId} has no intent");
        if (run.Root["payload"] is { } payload)
            intent["payload"] = payload is JsonObject ? payload.DeepClone() : throw ProtocolException.Invalid("payload", "payload must be an object");
        if (run.Timestamp("deadline_at") is { } deadline) intent["deadline_at"] = WireTime.Format(deadline);
        if (run.Root["parameters"] is { } parameters)
        {
            if (parameters is not JsonObject given) throw ProtocolException.Invalid("parameters", "parameters must be an object of template parameter names and values");
            if (bundle["workflow"] is not JsonObject workflow || registered.MacroId is null)
                throw ProtocolException.Invalid("parameters", $"scenario {scenarioId} uses no template: it has no parameters");
            var merged = workflow["parameters"] as JsonObject ?? [];
            foreach (var (name, value) in given) merged[name] = value?.DeepClone();
            workflow["parameters"] = merged.DeepClone();
        }
        return await ScenarioOperations.ApplyAsync(grains, compiler, deliveries, agents, fresh, caller, bundle, idempotencyKey, ct, $"POST /v1/scenarios/{scenarioId}/start");
    }

    private static async Task<RegisteredScenario> Registered(IGrainFactory grains, Caller caller, string scenarioId) =>
        await Registry(grains, caller).GetScenarioAsync(scenarioId) ?? throw ProtocolException.NotFound("scenario", scenarioId);

    private static MacroDetail Wire(WorkflowMacro m) => new()
    {
        MacroId = m.MacroId, Description = m.Description, Builtin = m.Builtin, Version = m.Version, CreatedAt = m.CreatedAt, UpdatedAt = m.UpdatedAt,
        Parameters = [.. m.Parameters.Select(p => new MacroParameterInfo { Name = p.Name, Default = p.Default, Description = p.Description, Type = p.Type })],
        Steps = (JsonArray)JsonNode.Parse(m.StepsJson)!,
    };

    private static RegisteredScenarioInfo Wire(RegisteredScenario s, bool withBundle) => new()
    {
        ScenarioId = s.ScenarioId, Title = s.Title, Description = s.Description, CompileId = s.CompileId, MacroId = s.MacroId,
        Version = s.Version, CreatedBy = s.CreatedBy, CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
        Bundle = withBundle ? JsonNode.Parse(s.BundleJson)!.AsObject() : null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
