using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axme.Api.Routing;

/// <summary>
/// Naming and routing (PROTOCOL §12, docs/adr/024): principals, aliases and route resolution, on the node's own
/// directory. An alias changes where intents to its name go.
/// </summary>
public static class RoutingEndpoints
{
    public static RouteGroupBuilder MapRoutingEndpoints(this RouteGroupBuilder v1)
    {
        var principals = v1.MapGroup("/principals").WithTags("Routing");
        principals.MapPost("", CreatePrincipal).Accepts<PrincipalCreateRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreatePrincipal").WithSummary("A principal: a service account (an agent, or a human user for principal_type user)");
        principals.MapGet("/{principal_id}", GetPrincipal).WithName("GetPrincipal").WithSummary("A principal (a service account of the workspace)");

        var aliases = v1.MapGroup("/aliases").WithTags("Routing");
        aliases.MapPost("", Bind).Accepts<AliasBindRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("BindAlias").WithSummary("Bind a name of the workspace to a principal: intents to agent://org/ws/<alias> go to it");
        aliases.MapGet("", List).WithName("ListAliases").WithSummary("The workspace's aliases (org_id, workspace_id, principal_id, status)");
        aliases.MapGet("/resolve", Resolve).WithName("ResolveAlias").WithSummary("The active alias of a name and its principal (org_id, workspace_id, alias)");
        aliases.MapPost("/{alias_id}/revoke", Revoke).WithName("RevokeAlias").WithSummary("Revoke an alias: intents to its name no longer go to its principal");

        v1.MapPost("/routing/resolve", ResolveRoute).WithTags("Routing").Accepts<RoutingResolveRequest>("application/json")
            .WithName("ResolveRoute").WithSummary("Alias or principal → principal → its route (its agent's delivery binding)");
        return v1;
    }

    public static async Task<Ok<PrincipalResponse>> CreatePrincipal(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await RoutingOperations.CreatePrincipalAsync(grains, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<PrincipalResponse>> GetPrincipal(HttpContext http, string principal_id, IGrainFactory grains) =>
        TypedResults.Ok(await RoutingOperations.GetPrincipalAsync(grains, ApiKeyAuthFilter.CallerOf(http), principal_id));

    public static async Task<Ok<AliasResponse>> Bind(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return TypedResults.Ok(await RoutingOperations.BindAsync(grains, caller, Query.Workspace(http.Request, caller), await RequestBody.ReadAsync(http)));
    }

    public static async Task<Ok<AliasList>> List(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await RoutingOperations.ListAsync(grains, Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), http.Request.Query));

    public static async Task<Ok<AliasResolveResponse>> Resolve(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var alias = Query.String(http.Request.Query, "alias") ?? throw Grains.Interfaces.Common.ProtocolException.Invalid("alias", "alias is required", "missing_field");
        return TypedResults.Ok(await RoutingOperations.ResolveAliasAsync(grains, caller, Query.Workspace(http.Request, caller), alias));
    }

    public static async Task<Ok<AliasResponse>> Revoke(HttpContext http, string alias_id, IGrainFactory grains)
    {
        await RequestBody.ReadAsync(http); // none is needed; one that is not JSON is refused like anywhere else
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return TypedResults.Ok(await RoutingOperations.RevokeAsync(grains, caller, Query.Workspace(http.Request, caller), alias_id));
    }

    public static async Task<Ok<RoutingResolveResponse>> ResolveRoute(HttpContext http, IGrainFactory grains, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RoutingOperations.ResolveRouteAsync(grains, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http),
            PublicOrigin.Of(http, options.Value)));
}
