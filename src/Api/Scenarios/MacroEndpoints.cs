using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Scenarios;

/// <summary>
/// Workflow templates (PROTOCOL §8.5, the tool registry the CLI's <c>scenarios list-templates</c> and <c>scenarios
/// create</c> read): the node's built-in ones and the workspace's own (registered by an admin).
/// </summary>
public static class MacroEndpoints
{
    public static RouteGroupBuilder MapMacroEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/tool-registry/macros").WithTags("Scenarios");
        g.MapGet("", List).WithName("ListMacros").WithSummary("The workflow templates: built-in, then the workspace's own");
        g.MapGet("/{macro_id}", Get).WithName("GetMacro").WithSummary("A workflow template: its parameters and steps");
        g.MapPost("", Put).Accepts<JsonObject>("application/json").WithName("RegisterMacro").WithSummary("Register (or replace) a workspace template (admin)");
        g.MapDelete("/{macro_id}", Delete).WithName("DeleteMacro").WithSummary("Delete a workspace template (admin)");
        return v1;
    }

    public static async Task<Ok<MacroList>> List(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.ListMacrosAsync(grains, Workspace(http)));

    public static async Task<Ok<MacroResponse>> Get(HttpContext http, string macro_id, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.GetMacroAsync(grains, Workspace(http), macro_id));

    public static async Task<Ok<MacroResponse>> Put(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.PutMacroAsync(grains, ApiKeyAuthFilter.CallerOf(http), Workspace(http), (await RequestBody.ReadAsync(http)).Root));

    public static async Task<Ok<RegistryEntryDeleted>> Delete(HttpContext http, string macro_id, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.DeleteMacroAsync(grains, ApiKeyAuthFilter.CallerOf(http), Workspace(http), macro_id));

    /// <summary>The caller's workspace, or for an admin the one org_id and workspace_id name.</summary>
    private static (string, string) Workspace(HttpContext http) => Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http));
}
