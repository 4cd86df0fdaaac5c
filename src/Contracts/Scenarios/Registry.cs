using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>A template's parameter (PROTOCOL §8.5: name and default; the node adds what it is for and its type).</summary>
public sealed record MacroParameterInfo
{
    /// <summary>Its name: <c>{{name}}</c> in the template's steps, a key of <c>workflow.parameters</c> in a bundle.</summary>
    public required string Name { get; init; }
    /// <summary>Its value when a bundle gives none; null when it must be given.</summary>
    public string? Default { get; init; }
    /// <summary>What it is for.</summary>
    public string? Description { get; init; }
    /// <summary><c>string</c> or <c>integer</c>.</summary>
    public required string Type { get; init; }
}

/// <summary>One template in GET /v1/tool-registry/macros.</summary>
public sealed record MacroSummary
{
    /// <summary>Its id, for <c>workflow.macro_id</c>.</summary>
    public required string MacroId { get; init; }
    /// <summary>What the workflow does.</summary>
    public string? Description { get; init; }
    /// <summary>True for the node's own templates (every workspace has them; they cannot be replaced or deleted).</summary>
    public bool Builtin { get; init; }
    /// <summary>1 when registered, +1 on every replacement (built-in: 1).</summary>
    public int Version { get; init; }
    /// <summary>When it was last registered (null for built-in templates).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>GET /v1/tool-registry/macros (PROTOCOL §8.5): the built-in templates, then the workspace's own.</summary>
public sealed record MacroList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The templates.</summary>
    public required IReadOnlyList<MacroSummary> Macros { get; init; }
}

/// <summary>A template in full.</summary>
public sealed record MacroDetail
{
    /// <summary>Its id.</summary>
    public required string MacroId { get; init; }
    /// <summary>What the workflow does.</summary>
    public string? Description { get; init; }
    /// <summary>True for the node's own templates.</summary>
    public bool Builtin { get; init; }
    /// <summary>Its parameters (PROTOCOL §8.5).</summary>
    public required IReadOnlyList<MacroParameterInfo> Parameters { get; init; }
    /// <summary>Its workflow steps (WorkflowStepSpec, PROTOCOL §8.1), with <c>{{parameter}}</c> placeholders.</summary>
    public required JsonArray Steps { get; init; }
    /// <summary>1 when registered, +1 on every replacement.</summary>
    public int Version { get; init; }
    /// <summary>When it was first registered (null for built-in templates).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When it was last registered.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>GET /v1/tool-registry/macros/{macro_id} and POST /v1/tool-registry/macros.</summary>
public sealed record MacroResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The template.</summary>
    public required MacroDetail Macro { get; init; }
}

/// <summary>A scenario registered in the workspace (POST /v1/scenarios), started by its id.</summary>
public sealed record RegisteredScenarioInfo
{
    /// <summary>Its id (the bundle's scenario_id).</summary>
    public required string ScenarioId { get; init; }
    /// <summary>The bundle's title.</summary>
    public string? Title { get; init; }
    /// <summary>The bundle's description.</summary>
    public string? Description { get; init; }
    /// <summary>The compiled workflow's id when it was registered.</summary>
    public required string CompileId { get; init; }
    /// <summary>The template its workflow uses, if any.</summary>
    public string? MacroId { get; init; }
    /// <summary>1 when registered, +1 on every replacement.</summary>
    public int Version { get; init; }
    /// <summary>The service account that registered it (it and admins may replace or delete it).</summary>
    public required string CreatedBy { get; init; }
    /// <summary>When it was first registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it was last registered.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The bundle as registered (in GET /v1/scenarios/{scenario_id} and the registration's answer; null in lists).</summary>
    public JsonObject? Bundle { get; init; }
}

/// <summary>POST /v1/scenarios and GET /v1/scenarios/{scenario_id}.</summary>
public sealed record RegisteredScenarioResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The scenario.</summary>
    public required RegisteredScenarioInfo Scenario { get; init; }
    /// <summary>What compiles but may not be meant.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>GET /v1/scenarios: the workspace's registered scenarios.</summary>
public sealed record RegisteredScenarioList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The scenarios, by id.</summary>
    public required IReadOnlyList<RegisteredScenarioInfo> Scenarios { get; init; }
}

/// <summary>DELETE /v1/tool-registry/macros/{macro_id} and DELETE /v1/scenarios/{scenario_id}.</summary>
public sealed record RegistryEntryDeleted
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The template's or scenario's id.</summary>
    public required string Id { get; init; }
    /// <summary>Always true: an unknown id is a 404.</summary>
    public bool Deleted { get; init; } = true;
}

/// <summary>POST /v1/scenarios/{scenario_id}/start: what changes from the registered bundle in this run.</summary>
public sealed record ScenarioStartRequest
{
    /// <summary>The parent intent's payload (absent: the registered bundle's intent.payload).</summary>
    public JsonObject? Payload { get; init; }
    /// <summary>Template parameters over the registered ones (a scenario whose workflow uses a template only).</summary>
    public JsonObject? Parameters { get; init; }
    /// <summary>The parent's deadline for this run (absent: the registered one).</summary>
    public DateTimeOffset? DeadlineAt { get; init; }
}
