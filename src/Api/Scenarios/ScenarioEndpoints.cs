using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Scenarios;

/// <summary>
/// ScenarioBundles (PROTOCOL §8.2–8.3): validate (a dry run) and apply (provision agents, compile, create the parent
/// intent); and scenarios registered in the workspace, started by id (docs/adr/021).
/// </summary>
public static class ScenarioEndpoints
{
    public static RouteGroupBuilder MapScenarioEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/scenarios").WithTags("Scenarios");
        g.MapPost("/validate", Validate).Accepts<JsonObject>("application/json").WithName("ValidateScenario").WithSummary("Check a ScenarioBundle: every problem with its JSON path; creates nothing");
        g.MapPost("/apply", Apply).Accepts<JsonObject>("application/json").WithName("ApplyScenario").WithSummary("Provision the bundle's agents, compile its workflow and create the parent intent (idempotent)");
        g.MapPost("/bundle", Apply).Accepts<JsonObject>("application/json").WithName("ApplyScenarioBundle").WithSummary("Alias of /apply ([spec] name)");
        g.MapPost("", Register).Accepts<JsonObject>("application/json").WithName("RegisterScenario").WithSummary("Register (or replace) a ScenarioBundle in the workspace, to start it by id");
        g.MapGet("", List).WithName("ListRegisteredScenarios").WithSummary("The workspace's registered scenarios");
        g.MapGet("/{scenario_id}", Get).WithName("GetRegisteredScenario").WithSummary("A registered scenario and its bundle");
        g.MapDelete("/{scenario_id}", Delete).WithName("DeleteRegisteredScenario").WithSummary("Delete a registered scenario (its registrant or an admin)");
        g.MapPost("/{scenario_id}/start", Start).Accepts<ScenarioStartRequest>(isOptional: true, "application/json").WithName("StartScenario")
            .WithSummary("Start a registered scenario with a payload (and template parameters): the parent intent, as apply creates it (idempotent)");
        return v1;
    }

    public static async Task<Ok<ScenarioValidation>> Validate(HttpContext http, IScenarioCompiler compiler) =>
        TypedResults.Ok(await ScenarioOperations.ValidateAsync(compiler, ApiKeyAuthFilter.CallerOf(http), (await RequestBody.ReadAsync(http)).Root));

    public static async Task<Ok<ScenarioApplied>> Apply(HttpContext http, IGrainFactory grains, IScenarioCompiler compiler, Agents.DeliveryQueries deliveries,
        AgentCache agents, NewIntents fresh)
    {
        var body = await RequestBody.ReadAsync(http);
        return TypedResults.Ok(await ScenarioOperations.ApplyAsync(grains, compiler, deliveries, agents, fresh, ApiKeyAuthFilter.CallerOf(http), body.Root, Idempotency.Key(http.Request), http.RequestAborted));
    }

    public static async Task<Ok<RegisteredScenarioResponse>> Register(HttpContext http, IGrainFactory grains, IScenarioCompiler compiler) =>
        TypedResults.Ok(await ScenarioRegistry.RegisterAsync(grains, compiler, ApiKeyAuthFilter.CallerOf(http), (await RequestBody.ReadAsync(http)).Root));

    public static async Task<Ok<RegisteredScenarioList>> List(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.ListScenariosAsync(grains, ApiKeyAuthFilter.CallerOf(http)));

    public static async Task<Ok<RegisteredScenarioResponse>> Get(HttpContext http, string scenario_id, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.GetScenarioAsync(grains, ApiKeyAuthFilter.CallerOf(http), scenario_id));

    public static async Task<Ok<RegistryEntryDeleted>> Delete(HttpContext http, string scenario_id, IGrainFactory grains) =>
        TypedResults.Ok(await ScenarioRegistry.DeleteScenarioAsync(grains, ApiKeyAuthFilter.CallerOf(http), scenario_id));

    public static async Task<Ok<ScenarioApplied>> Start(HttpContext http, string scenario_id, IGrainFactory grains, IScenarioCompiler compiler,
        Agents.DeliveryQueries deliveries, AgentCache agents, NewIntents fresh)
    {
        var body = await RequestBody.ReadAsync(http);
        return TypedResults.Ok(await ScenarioRegistry.StartAsync(grains, compiler, deliveries, agents, fresh, ApiKeyAuthFilter.CallerOf(http), scenario_id, body,
            Idempotency.Key(http.Request) ?? body.String("idempotency_key", 255), http.RequestAborted));
    }
}
