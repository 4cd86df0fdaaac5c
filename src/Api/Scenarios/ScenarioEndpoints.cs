using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Scenarios;

/// <summary>ScenarioBundles (PROTOCOL §8.2–8.3): validate (a dry run) and apply (provision agents, compile, create the parent intent).</summary>
public static class ScenarioEndpoints
{
    public static RouteGroupBuilder MapScenarioEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/scenarios").WithTags("Scenarios");
        g.MapPost("/validate", Validate).Accepts<System.Text.Json.Nodes.JsonObject>("application/json").WithName("ValidateScenario").WithSummary("Check a ScenarioBundle: every problem with its JSON path; creates nothing");
        g.MapPost("/apply", Apply).Accepts<System.Text.Json.Nodes.JsonObject>("application/json").WithName("ApplyScenario").WithSummary("Provision the bundle's agents, compile its workflow and create the parent intent (idempotent)");
        g.MapPost("/bundle", Apply).Accepts<System.Text.Json.Nodes.JsonObject>("application/json").WithName("ApplyScenarioBundle").WithSummary("Alias of /apply ([spec] name)");
        return v1;
    }

    public static async Task<Ok<ScenarioValidation>> Validate(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioOperations.ValidateAsync(grains, ApiKeyAuthFilter.CallerOf(http), (await RequestBody.ReadAsync(http)).Root));

    public static async Task<Ok<ScenarioApplied>> Apply(HttpContext http, IGrainFactory grains, Agents.DeliveryQueries deliveries)
    {
        var body = await RequestBody.ReadAsync(http);
        return TypedResults.Ok(await ScenarioOperations.ApplyAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), body.Root, Idempotency.Key(http.Request), http.RequestAborted));
    }
}
