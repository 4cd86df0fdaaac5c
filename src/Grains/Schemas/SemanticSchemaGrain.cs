using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Schemas;

namespace Axme.Grains.Schemas;

/// <summary>One semantic type's schema in one owner scope (PROTOCOL §9.4). Upserts tell this silo's cache at once.</summary>
public sealed class SemanticSchemaGrain(
    [PersistentState(AxmeNames.SemanticSchemaState, AxmeNames.Storage)] IPersistentState<SemanticSchemaState> state,
    SemanticSchemaCache cache,
    TimeProvider time) : Grain, ISemanticSchemaGrain
{
    public async Task<SemanticSchema> UpsertAsync(UpsertSchemaCommand command)
    {
        if (JsonSchemas.Problem(JsonNode.Parse(command.SchemaJson)!) is { } problem)
            throw new ProtocolException(400, "invalid_schema", $"schema_json is not a valid JSON Schema: {problem}",
                new Dictionary<string, string> { ["field"] = "schema_json" });
        var now = time.GetUtcNow();
        var previous = state.State.Schema;
        state.State.Schema = new SemanticSchema
        {
            SemanticType = command.SemanticType,
            SchemaJson = command.SchemaJson,
            SchemaHash = command.SchemaHash,
            SchemaRef = command.SchemaRef ?? $"schema://{command.SemanticType}@{command.SchemaHash[..12]}",
            CompatibilityMode = command.CompatibilityMode,
            Scope = command.Scope,
            OwnerAgent = command.OwnerAgent,
            Active = command.Active,
            CreatedAt = previous?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        await state.WriteStateAsync();
        cache.Invalidate(this.GetPrimaryKeyString());
        return state.State.Schema;
    }

    public Task<SemanticSchema?> GetAsync() => Task.FromResult(state.State.Schema);
}
