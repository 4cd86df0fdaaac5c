namespace Axme.Grains.Interfaces.Schemas;

/// <summary>
/// The JSON Schema registered for one semantic type in one owner scope (PROTOCOL §9.4); key: KeyFor.
/// Intents of that type must carry a payload the schema accepts.
/// </summary>
[Alias("axme.ISemanticSchemaGrain")]
public interface ISemanticSchemaGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the schema (safe to retry); created_at is kept.</summary>
    [Alias("Upsert")]
    Task<SemanticSchema> UpsertAsync(UpsertSchemaCommand command);

    /// <summary>The schema, or null when none was registered.</summary>
    [Alias("Get")]
    Task<SemanticSchema?> GetAsync();

    /// <summary>The key of a workspace's (tenant) schema for a semantic type.</summary>
    static string KeyFor(string orgId, string workspaceId, string semanticType) => $"tenant/{orgId}/{workspaceId}/{semanticType}";

    /// <summary>The key of a core schema (every workspace's, unless it registers its own).</summary>
    static string CoreKeyFor(string semanticType) => $"core/{semanticType}";
}
