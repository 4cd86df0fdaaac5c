namespace Axme.Contracts;

/// <summary>POST /v1/scenarios/validate (PROTOCOL §8.2): whether the bundle compiles, and why not.</summary>
public sealed record ScenarioValidation
{
    /// <summary>Always true on success (an invalid bundle is still a successful answer).</summary>
    public bool Ok { get; init; } = true;
    /// <summary>True when the bundle compiles.</summary>
    public required bool Valid { get; init; }
    /// <summary>Each problem, prefixed with its path.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    /// <summary>What compiles but may not be meant.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>The bundle's scenario id.</summary>
    public string? ScenarioId { get; init; }
    /// <summary>The compiled workflow's id (a hash of its content).</summary>
    public string? CompileId { get; init; }
}

/// <summary>
/// POST /v1/scenarios/apply (PROTOCOL §8.3; the gateway's /v1/scenarios/bundle answer): the parent intent created (or
/// matched by its idempotency key) and the bundle's agents as provisioned.
/// </summary>
public sealed record ScenarioApplied
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The parent intent.</summary>
    public required string IntentId { get; init; }
    /// <summary>The bundle's scenario id.</summary>
    public required string ScenarioId { get; init; }
    /// <summary>The parent's status when created.</summary>
    public required string Status { get; init; }
    /// <summary>The compiled workflow's id.</summary>
    public string? CompileId { get; init; }
    /// <summary>The same id, as the gateway names it.</summary>
    public string? WorkflowCompileId { get; init; }
    /// <summary>The bundle's agents as provisioned (the CLI reads this name).</summary>
    public IReadOnlyList<ScenarioAgentProvisioned> AgentsProvisioned { get; init; } = [];
    /// <summary>The same list, as the gateway names it.</summary>
    public IReadOnlyList<ScenarioAgentProvisioned> Agents { get; init; } = [];
    /// <summary>Who holds the parent now (an agent address or a human role).</summary>
    public string? PendingWith { get; init; }
    /// <summary>True when an existing parent was returned (same idempotency key).</summary>
    public bool Idempotent { get; init; }
    /// <summary>The parent's deadline.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }
    /// <summary>When the parent was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>What compiles but may not be meant.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One agent of a bundle as apply left it.</summary>
public sealed record ScenarioAgentProvisioned
{
    /// <summary>Its role in the bundle.</summary>
    public required string Role { get; init; }
    /// <summary>Its address.</summary>
    public required string Address { get; init; }
    /// <summary>True when this apply created its service account.</summary>
    public bool Created { get; init; }
    /// <summary>True when the agent exists now.</summary>
    public bool Exists { get; init; }
    /// <summary>Its delivery binding.</summary>
    public string? DeliveryMode { get; init; }
}
