using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Schemas;
using Json.Schema;

namespace Axme.Grains.Schemas;

/// <summary>
/// Checks intent payloads against their type's schema (PROTOCOL §9.4) on the create path and for scenario
/// bundles (validate and apply, before anything is provisioned). Per silo, a
/// lookup (schema or none) is kept for <see cref="Lifetime"/>: creating an intent then costs no grain call
/// per type and key most of the time; an upsert clears the entry on the grain's silo at once and other
/// silos see it within the lifetime; when the grain cannot answer, the last lookup is served (<see cref="LookupCache{T}"/>).
/// Compiled schemas are kept by hash (content never changes under a hash).
/// </summary>
public sealed class SemanticSchemaCache(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly LookupCache<SemanticSchema?> _lookups = new(time, Lifetime);
    private readonly ConcurrentDictionary<string, JsonSchema> _compiled = new();

    public void Invalidate(string key) => _lookups.Invalidate(key);

    /// <summary>The schema that governs a type in a workspace: its own, else the core one; null when none is active.</summary>
    public async Task<SemanticSchema?> FindAsync(string orgId, string workspaceId, string semanticType) =>
        await LookupAsync(ISemanticSchemaGrain.KeyFor(orgId, workspaceId, semanticType))
        ?? await LookupAsync(ISemanticSchemaGrain.CoreKeyFor(semanticType));

    /// <summary>Refuses (422 schema_invalid, every bad field in details as payload.&lt;field&gt;) a payload its type's schema rejects.</summary>
    public async Task CheckPayloadAsync(string orgId, string workspaceId, string intentType, string payloadJson)
    {
        if (await ViolationsAsync(orgId, workspaceId, intentType, payloadJson) is not { } violations) return;
        var details = new Dictionary<string, string> { ["field"] = "payload", ["schema_ref"] = violations.SchemaRef };
        foreach (var (field, message) in violations.Fields) details[field] = message;
        throw new ProtocolException(422, "schema_invalid",
            $"payload does not match the schema of {intentType}: " + string.Join("; ", violations.Fields.Select(e => $"{e.Key} {e.Value}")),
            details);
    }

    /// <summary>
    /// What the enforced schema of a payload's type refuses, each bad field as "payload" or "payload.&lt;dotted path&gt;";
    /// null when no enforced schema governs the type or the payload passes. The one check behind intent create
    /// (<see cref="CheckPayloadAsync"/>) and scenario validate/apply, so both name the same fields.
    /// </summary>
    public async Task<SchemaViolations?> ViolationsAsync(string orgId, string workspaceId, string intentType, string payloadJson)
    {
        if (await FindAsync(orgId, workspaceId, intentType) is not { Enforced: true } schema) return null;
        var schemaJson = JsonText.Parse(schema.SchemaJson);
        var compiled = _compiled.GetOrAdd(schema.SchemaHash, _ => JsonSchemas.Parse(schema.SchemaJson));
        var errors = JsonSchemas.Errors(compiled, schemaJson, JsonText.Parse(payloadJson));
        if (errors.Count == 0) return null;
        return new SchemaViolations(schema.SchemaRef, errors.ToDictionary(e => e.Key.Length == 0 ? "payload" : "payload." + e.Key, e => e.Value));
    }

    private ValueTask<SemanticSchema?> LookupAsync(string key) =>
        _lookups.GetAsync(key, async k => await grains.GetGrain<ISemanticSchemaGrain>(k).GetAsync() is { Active: true } schema ? schema : null);
}

/// <summary>The fields a payload's schema refuses, keyed "payload" or "payload.&lt;dotted path&gt;".</summary>
public sealed record SchemaViolations(string SchemaRef, IReadOnlyDictionary<string, string> Fields);
