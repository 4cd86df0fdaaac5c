using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- scenarios ----

    /// <summary>
    /// Validates a scenario bundle (POST /v1/scenarios/validate) and returns the node's answer as is.
    /// The bundle is posted unchanged; this method does not interpret it or the answer.
    /// </summary>
    /// <param name="bundle">The scenario bundle.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<JsonObject> ValidateScenarioAsync(JsonObject bundle, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return PostAsync("v1/scenarios/validate", bundle.DeepClone(), ct);
    }

    /// <summary>
    /// Applies a scenario bundle (POST /v1/scenarios/apply) and returns the node's answer as is. The
    /// bundle is posted unchanged with an <c>Idempotency-Key</c> header (the given one or a new GUID),
    /// so a retried apply creates nothing twice.
    /// </summary>
    /// <param name="bundle">The scenario bundle.</param>
    /// <param name="idempotencyKey">A key of the caller's, or null for a new one.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<JsonObject> ApplyScenarioAsync(JsonObject bundle, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return PostAsync("v1/scenarios/apply", bundle.DeepClone(), ct, idempotencyKey);
    }

    // ---- workflow templates and registered scenarios (PROTOCOL §8.5, docs/adr/021) ----

    /// <summary>The workflow templates of the caller's workspace: the node's built-in ones, then the workspace's own (GET /v1/tool-registry/macros).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MacroList> ListMacrosAsync(CancellationToken ct = default) =>
        ContractJson.Read<MacroList>(await GetAsync("v1/tool-registry/macros", ct));

    /// <summary>A workflow template with its parameters and steps (GET /v1/tool-registry/macros/{macro_id}).</summary>
    /// <param name="macroId">The template's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MacroResponse> GetMacroAsync(string macroId, CancellationToken ct = default) =>
        ContractJson.Read<MacroResponse>(await GetAsync($"v1/tool-registry/macros/{Seg(macroId)}", ct));

    /// <summary>
    /// Registers or replaces a template of the caller's workspace (admin keys; POST /v1/tool-registry/macros):
    /// <c>{macro_id, description, parameters: [{name, default, description, type}], steps}</c>.
    /// </summary>
    /// <param name="definition">The template's definition.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MacroResponse> RegisterMacroAsync(JsonObject definition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return ContractJson.Read<MacroResponse>(await PostAsync("v1/tool-registry/macros", definition.DeepClone(), ct));
    }

    /// <summary>Deletes a template of the caller's workspace (admin keys).</summary>
    /// <param name="macroId">The template's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RegistryEntryDeleted> DeleteMacroAsync(string macroId, CancellationToken ct = default) =>
        ContractJson.Read<RegistryEntryDeleted>(await SendAsync(HttpMethod.Delete, $"v1/tool-registry/macros/{Seg(macroId)}", null, NewKey(), ct));

    /// <summary>Registers (or replaces) a scenario bundle in the caller's workspace, to start it by id (POST /v1/scenarios).</summary>
    /// <param name="bundle">The scenario bundle; its intent.payload is the default payload of a start.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RegisteredScenarioResponse> RegisterScenarioAsync(JsonObject bundle, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return ContractJson.Read<RegisteredScenarioResponse>(await PostAsync("v1/scenarios", bundle.DeepClone(), ct));
    }

    /// <summary>The caller's workspace's registered scenarios (GET /v1/scenarios).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RegisteredScenarioList> ListScenariosAsync(CancellationToken ct = default) =>
        ContractJson.Read<RegisteredScenarioList>(await GetAsync("v1/scenarios", ct));

    /// <summary>A registered scenario with its bundle (GET /v1/scenarios/{scenario_id}).</summary>
    /// <param name="scenarioId">The scenario's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RegisteredScenarioResponse> GetScenarioAsync(string scenarioId, CancellationToken ct = default) =>
        ContractJson.Read<RegisteredScenarioResponse>(await GetAsync($"v1/scenarios/{Seg(scenarioId)}", ct));

    /// <summary>Deletes a registered scenario (its registrant or an admin).</summary>
    /// <param name="scenarioId">The scenario's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RegistryEntryDeleted> DeleteScenarioAsync(string scenarioId, CancellationToken ct = default) =>
        ContractJson.Read<RegistryEntryDeleted>(await SendAsync(HttpMethod.Delete, $"v1/scenarios/{Seg(scenarioId)}", null, NewKey(), ct));

    /// <summary>
    /// Starts a registered scenario (POST /v1/scenarios/{scenario_id}/start) with this run's payload, template parameters
    /// and deadline (each absent: the registered one), under an <c>Idempotency-Key</c> (the given one or a new GUID).
    /// </summary>
    /// <param name="scenarioId">The scenario's id.</param>
    /// <param name="run">What this run changes, or null.</param>
    /// <param name="idempotencyKey">A key of the caller's, or null for a new one.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ScenarioApplied> StartScenarioAsync(string scenarioId, ScenarioStartRequest? run = null, string? idempotencyKey = null, CancellationToken ct = default) =>
        ContractJson.Read<ScenarioApplied>(await PostAsync($"v1/scenarios/{Seg(scenarioId)}/start",
            JsonSerializer.SerializeToNode(run ?? new ScenarioStartRequest(), AxpJson.Info<ScenarioStartRequest>()), ct, idempotencyKey));
}
