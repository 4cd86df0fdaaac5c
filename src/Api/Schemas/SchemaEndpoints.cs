using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Schemas;

using Axme.Api.Usage;

namespace Axme.Api.Schemas;

/// <summary>
/// Semantic schemas (PROTOCOL §9.4): a JSON Schema per intent type, per workspace (tenant) or for every
/// workspace (core, admin keys only). Intents of a type with an active schema are checked on create.
/// </summary>
public static class SchemaEndpoints
{
    public static RouteGroupBuilder MapSchemaEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/schemas").WithTags("Schemas");
        g.MapPost("", Upsert).Accepts<SemanticSchemaRequest>("application/json").WithName("UpsertSemanticSchema").WithSummary("Register or replace the JSON Schema of a semantic (intent) type")
            .Quota(Grains.Interfaces.Tenancy.QuotaDimensions.SchemaWritesPerDay);
        g.MapGet("/{semantic_type}", Get).WithName("GetSemanticSchema").WithSummary("The schema of a semantic type: the workspace's own, else the core one");
        return v1;
    }

    public static async Task<Ok<SemanticSchemaResponse>> Upsert(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        // A schema decides which payloads every sender of its type may send: registering one is an admin's (ADR 017).
        if (!caller.IsAdmin) throw new ProtocolException(403, "admin_required", "only an admin key may register or replace a payload schema");
        var body = await RequestBody.ReadAsync(http);
        var type = body.String("semantic_type", 255, IntentOperations.IntentTypePattern(), required: true)!;
        var schema = body.Root["schema_json"] as JsonObject
            ?? throw new ProtocolException(body.Root["schema_json"] is null ? 422 : 400, "invalid_schema", "schema_json must be a JSON Schema object",
                new Dictionary<string, string> { ["field"] = "schema_json" });
        var mode = body.String("compatibility_mode", 16) ?? SchemaCompatibility.Strict;
        if (!SchemaCompatibility.All.Contains(mode))
            throw ProtocolException.Invalid("compatibility_mode", "compatibility_mode must be strict, backward or warn");
        var scope = body.String("scope", 16) ?? "tenant";
        if (scope is not ("tenant" or "core")) throw ProtocolException.Invalid("scope", "scope must be tenant or core");
        var (org, ws) = Query.Workspace(http.Request, caller);
        if (scope != "core") await Tenancy.TenancyOperations.RequireWorkspaceAsync(grains, caller, (org, ws));
        var key = scope == "core" ? ISemanticSchemaGrain.CoreKeyFor(type) : ISemanticSchemaGrain.KeyFor(org, ws, type);
        var saved = await grains.GetGrain<ISemanticSchemaGrain>(key).UpsertAsync(new UpsertSchemaCommand
        {
            SemanticType = type,
            SchemaJson = schema.ToJsonString(),
            SchemaHash = CanonicalJson.Hash(schema),
            SchemaRef = body.String("schema_ref", 512),
            CompatibilityMode = mode,
            Scope = scope,
            OwnerAgent = Query.OwnerAgentInWorkspace(http.Request, caller),
            Active = body.Bool("active") ?? true,
        });
        return TypedResults.Ok(new SemanticSchemaResponse { Schema = ToWire(saved, withSchema: false) });
    }

    public static async Task<Ok<SemanticSchemaResponse>> Get(HttpContext http, string semantic_type, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var (org, ws) = Query.Workspace(http.Request, caller);
        var schema = await grains.GetGrain<ISemanticSchemaGrain>(ISemanticSchemaGrain.KeyFor(org, ws, semantic_type)).GetAsync() is { Active: true } own
            ? own
            : await grains.GetGrain<ISemanticSchemaGrain>(ISemanticSchemaGrain.CoreKeyFor(semantic_type)).GetAsync();
        return schema is { Active: true }
            ? TypedResults.Ok(new SemanticSchemaResponse { Schema = ToWire(schema, withSchema: true) })
            : throw ProtocolException.NotFound("schema", semantic_type);
    }

    private static Contracts.SemanticSchema ToWire(Grains.Interfaces.Schemas.SemanticSchema s, bool withSchema) => new()
    {
        SemanticType = s.SemanticType,
        SchemaRef = s.SchemaRef,
        SchemaHash = s.SchemaHash,
        CompatibilityMode = s.CompatibilityMode,
        Scope = s.Scope,
        OwnerAgent = s.OwnerAgent,
        Active = s.Active,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        SchemaJson = withSchema ? JsonNode.Parse(s.SchemaJson) as JsonObject : null,
    };
}
