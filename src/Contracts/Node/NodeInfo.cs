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
