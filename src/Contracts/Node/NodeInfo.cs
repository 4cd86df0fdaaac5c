namespace Axme.Contracts;

/// <summary>GET /health and /v1/health (PROTOCOL §9.3): the node is up.</summary>
public sealed record Health
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>gateway (the name the clients expect).</summary>
    public required string Service { get; init; }
    /// <summary>The node's version.</summary>
    public required string Version { get; init; }
    /// <summary>self-hosted.</summary>
    public string? DeploymentProfile { get; init; }
    /// <summary>postgres.</summary>
    public string? Storage { get; init; }
}

/// <summary>GET /v1/capabilities (PROTOCOL §9.2): what this server implements.</summary>
public sealed record Capabilities
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Capability names (intents, agents.stream, webhooks, mcp, …).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("capabilities")]
    public required IReadOnlyList<string> CapabilityList { get; init; }
    /// <summary>Intent types every deployment accepts.</summary>
    public required IReadOnlyList<string> SupportedIntentTypes { get; init; }
}

/// <summary>GET /ready: whether this node should take traffic (PostgreSQL and the cluster reachable, not draining); 503 when not.</summary>
public sealed record Readiness
{
    /// <summary>True when ready.</summary>
    public required bool Ok { get; init; }
    /// <summary>Each check's outcome.</summary>
    public required ReadinessChecks Checks { get; init; }
}

/// <summary>The checks behind <see cref="Readiness"/>; a check not run is absent.</summary>
public sealed record ReadinessChecks
{
    /// <summary>draining while the node stops.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }
    /// <summary>ok or unavailable.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Postgres { get; init; }
    /// <summary>ok, no active silo, or unavailable.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Silo { get; init; }
    /// <summary>How many silos of the cluster are active.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ActiveSilos { get; init; }
}
