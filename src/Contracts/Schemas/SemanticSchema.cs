using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>A semantic (intent type) schema (PROTOCOL §9.4); the JSON Schema itself only where it is read.</summary>
public sealed record SemanticSchema
{
    /// <summary>The intent type it checks.</summary>
    public required string SemanticType { get; init; }
    /// <summary>Where the schema is published, if anywhere.</summary>
    public required string? SchemaRef { get; init; }
    /// <summary>SHA-256 of the canonical schema (64 lowercase hex).</summary>
    public required string SchemaHash { get; init; }
    /// <summary>strict, backward or warn.</summary>
    public required string CompatibilityMode { get; init; }
    /// <summary>tenant (this workspace) or core (every workspace).</summary>
    public required string Scope { get; init; }
    /// <summary>The agent it is registered for, if any.</summary>
    public required string? OwnerAgent { get; init; }
    /// <summary>False when replaced by nothing (inactive).</summary>
    public bool Active { get; init; }
    /// <summary>When it was registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The JSON Schema (GET only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? SchemaJson { get; init; }
}

/// <summary>POST /v1/schemas and GET /v1/schemas/{semantic_type}.</summary>
public sealed record SemanticSchemaResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The schema.</summary>
    public required SemanticSchema Schema { get; init; }
}
