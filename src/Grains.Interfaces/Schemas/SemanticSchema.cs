namespace Axme.Grains.Interfaces.Schemas;

/// <summary>A registered schema (PROTOCOL §9.4); stored as JSON: the member names are a storage contract.</summary>
[GenerateSerializer, Immutable, Alias("axme.semantic-schema")]
public sealed record SemanticSchema
{
    [Id(0)] public required string SemanticType { get; init; }
    [Id(1)] public required string SchemaJson { get; init; }
    /// <summary>SHA-256 of the canonical schema JSON, 64 lowercase hex.</summary>
    [Id(2)] public required string SchemaHash { get; init; }
    [Id(3)] public required string SchemaRef { get; init; }
    /// <summary>strict or backward reject a payload the schema refuses; warn accepts it.</summary>
    [Id(4)] public required string CompatibilityMode { get; init; }
    /// <summary>tenant or core.</summary>
    [Id(5)] public required string Scope { get; init; }
    [Id(6)] public string? OwnerAgent { get; init; }
    [Id(7)] public bool Active { get; init; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether creating an intent with a payload this schema refuses is refused.</summary>
    public bool Enforced => Active && CompatibilityMode != SchemaCompatibility.Warn;
}

/// <summary>POST /v1/schemas, validated by the API (the schema itself by the grain).</summary>
[GenerateSerializer, Immutable, Alias("axme.upsert-schema")]
public sealed record UpsertSchemaCommand
{
    [Id(0)] public required string SemanticType { get; init; }
    [Id(1)] public required string SchemaJson { get; init; }
    [Id(2)] public required string SchemaHash { get; init; }
    [Id(3)] public string? SchemaRef { get; init; }
    [Id(4)] public required string CompatibilityMode { get; init; }
    [Id(5)] public required string Scope { get; init; }
    [Id(6)] public string? OwnerAgent { get; init; }
    [Id(7)] public bool Active { get; init; } = true;
}

public static class SchemaCompatibility
{
    public const string Strict = "strict";
    public const string Backward = "backward";
    public const string Warn = "warn";
    public static readonly string[] All = [Strict, Backward, Warn];
}
