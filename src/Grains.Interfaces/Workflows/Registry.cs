namespace Axme.Grains.Interfaces.Workflows;

/// <summary>One parameter of a workflow template: substituted for <c>{{name}}</c> in the template's steps.</summary>
[GenerateSerializer, Immutable, Alias("axme.macro-parameter")]
public sealed record MacroParameter
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>The value when a bundle gives none; a parameter without one must be given.</summary>
    [Id(1)] public string? Default { get; init; }
    [Id(2)] public string? Description { get; init; }
    /// <summary><see cref="MacroParameterTypes"/>: an integer parameter that fills a whole value becomes a JSON number.</summary>
    [Id(3)] public string Type { get; init; } = MacroParameterTypes.String;
}

public static class MacroParameterTypes
{
    public const string String = "string";
    public const string Integer = "integer";
    public static readonly IReadOnlyList<string> All = [String, Integer];
}

/// <summary>
/// A workflow template (PROTOCOL §8.5, <c>workflow.macro_id</c>): steps with <c>{{parameter}}</c> placeholders. Built in
/// (the node's examples) or registered in a workspace.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.workflow-macro")]
public sealed record WorkflowMacro
{
    [Id(0)] public required string MacroId { get; init; }
    [Id(1)] public string? Description { get; init; }
    [Id(2)] public required IReadOnlyList<MacroParameter> Parameters { get; init; }
    /// <summary>The steps (a JSON array of WorkflowStepSpec objects, placeholders unexpanded).</summary>
    [Id(3)] public required string StepsJson { get; init; }
    [Id(4)] public bool Builtin { get; init; }
    /// <summary>1 when registered, +1 on every replacement.</summary>
    [Id(5)] public int Version { get; init; } = 1;
    [Id(6)] public DateTimeOffset? CreatedAt { get; init; }
    [Id(7)] public DateTimeOffset? UpdatedAt { get; init; }
    [Id(8)] public string? CreatedBy { get; init; }
}

/// <summary>A ScenarioBundle registered in a workspace, started by its id with a payload (and macro parameters).</summary>
[GenerateSerializer, Immutable, Alias("axme.registered-scenario")]
public sealed record RegisteredScenario
{
    [Id(0)] public required string ScenarioId { get; init; }
    [Id(1)] public string? Title { get; init; }
    [Id(2)] public string? Description { get; init; }
    /// <summary>The bundle as registered (its intent.payload is the default payload of a start).</summary>
    [Id(3)] public required string BundleJson { get; init; }
    /// <summary>The workflow's compile id when it was registered.</summary>
    [Id(4)] public required string CompileId { get; init; }
    [Id(5)] public string? MacroId { get; init; }
    [Id(6)] public int Version { get; init; } = 1;
    /// <summary>The service account that registered it: it and admins may replace or delete it.</summary>
    [Id(7)] public required string CreatedBy { get; init; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// A workspace's workflow templates and registered scenarios (key <see cref="KeyFor"/>). The node's built-in templates
/// are listed and found here too, but are not stored: they come with the node and cannot be replaced.
/// </summary>
[Alias("axme.IScenarioRegistryGrain")]
public interface IScenarioRegistryGrain : IGrainWithStringKey
{
    static string KeyFor(string orgId, string workspaceId) => $"{orgId}/{workspaceId}";

    /// <summary>The built-in templates, then the workspace's own, by id.</summary>
    [Alias("ListMacros")]
    Task<IReadOnlyList<WorkflowMacro>> ListMacrosAsync();

    /// <summary>A built-in template, else the workspace's own; null when there is neither.</summary>
    [Alias("GetMacro")]
    Task<WorkflowMacro?> GetMacroAsync(string macroId);

    /// <summary>
    /// Registers or replaces a template from its definition (JSON: macro_id, description, parameters, steps), version +1:
    /// 403 admin_required for a key that is not an admin's, 422 validation_error listing every problem of the definition,
    /// 409 builtin_macro for a built-in id, 409 registry_full past the workspace's limit.
    /// </summary>
    [Alias("PutMacro")]
    Task<WorkflowMacro> PutMacroAsync(string definitionJson, Common.Caller caller);

    /// <summary>False when there was none; 403 and 409 builtin_macro as for registering.</summary>
    [Alias("DeleteMacro")]
    Task<bool> DeleteMacroAsync(string macroId, Common.Caller caller);

    [Alias("ListScenarios")]
    Task<IReadOnlyList<RegisteredScenario>> ListScenariosAsync();

    [Alias("GetScenario")]
    Task<RegisteredScenario?> GetScenarioAsync(string scenarioId);

    /// <summary>
    /// Registers or replaces a scenario (version +1, creator kept); 403 when another's scenario would be replaced by a
    /// key that is neither its creator nor an admin, 409 registry_full past the workspace's limit.
    /// </summary>
    [Alias("PutScenario")]
    Task<RegisteredScenario> PutScenarioAsync(RegisteredScenario scenario, Common.Caller caller);

    /// <summary>False when there was none; 403 as for replacing.</summary>
    [Alias("DeleteScenario")]
    Task<bool> DeleteScenarioAsync(string scenarioId, Common.Caller caller);
}
