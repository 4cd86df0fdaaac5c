using Axme.Api.Auth;
using Axme.Api.Http;

namespace Axme.Api.Scenarios;

/// <summary>ScenarioBundles (PROTOCOL §8.2–8.3): validate (a dry run) and apply (provision agents, compile, create the parent intent).</summary>
public static class ScenarioEndpoints
{
    public static RouteGroupBuilder MapScenarioEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/scenarios").WithTags("Scenarios");
        g.MapPost("/validate", Validate).WithSummary("Check a ScenarioBundle: every problem with its JSON path; creates nothing");
        g.MapPost("/apply", Apply).WithSummary("Provision the bundle's agents, compile its workflow and create the parent intent (idempotent)");
        g.MapPost("/bundle", Apply).WithSummary("Alias of /apply ([spec] name)");
        return v1;
    }

    public static async Task<IResult> Validate(HttpContext http, IGrainFactory grains) =>
        TypedResults.Json(await ScenarioOperations.ValidateAsync(grains, ApiKeyAuthFilter.CallerOf(http), (await RequestBody.ReadAsync(http)).Root));

    public static async Task<IResult> Apply(HttpContext http, IGrainFactory grains, Agents.DeliveryQueries deliveries)
    {
        var body = await RequestBody.ReadAsync(http);
        return TypedResults.Json(await ScenarioOperations.ApplyAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), body.Root, Idempotency.Key(http.Request), http.RequestAborted));
    }
}
