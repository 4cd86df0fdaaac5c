using Axme.Grains.Interfaces.Schemas;

namespace Axme.Grains.Schemas;

/// <summary>Durable state of a semantic schema grain.</summary>
[GenerateSerializer, Alias("axme.semantic-schema-state")]
public sealed class SemanticSchemaState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public SemanticSchema? Schema { get; set; }
}
