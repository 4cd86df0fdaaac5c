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

        var routes = v1.MapGroup("/routing/endpoints").WithTags("Routing");
        routes.MapPost("", RegisterRoute).Accepts<RouteRegisterRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("RegisterRoute").WithSummary("Set a principal's route: its agent's delivery binding (http/webhook: POSTed to endpoint_url, signed; queue: drained by the agent)");
        routes.MapGet("", ListRoutes).WithName("ListRoutes").WithSummary("One route per agent of the workspace (org_id, workspace_id, principal_id)");
        routes.MapPatch("/{route_id}", UpdateRoute).Accepts<RouteUpdateRequest>("application/json").WithName("UpdateRoute")
            .WithSummary("Change a route's URL or mode; status draining kills the agent (deliveries wait), active resumes it");
        routes.MapDelete("/{route_id}", RemoveRoute).WithName("RemoveRoute").WithSummary("Set the principal's binding back to stream (the default)");

        var bindings = v1.MapGroup("/transports/bindings").WithTags("Routing");
        bindings.MapPost("", UpsertBinding).Accepts<TransportBindingRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("UpsertTransportBinding").WithSummary("A principal's route by its transport handle (http: the URL; queue: stream, poll or inbox)");
        bindings.MapGet("", ListBindings).WithName("ListTransportBindings").WithSummary("One binding per agent of the workspace (org_id, workspace_id, principal_id)");
        bindings.MapDelete("/{binding_id}", RemoveBinding).WithName("RemoveTransportBinding").WithSummary("Set the principal's binding back to stream");
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

    public static async Task<Ok<RouteResponse>> RegisterRoute(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.RegisterAsync(Context(http, grains, secrets, deliveries, options), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<RouteList>> ListRoutes(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.ListAsync(Context(http, grains, secrets, deliveries, options), Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), http.Request.Query));

    public static async Task<Ok<RouteResponse>> UpdateRoute(HttpContext http, string route_id, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.UpdateAsync(Context(http, grains, secrets, deliveries, options), route_id, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<RouteRemoved>> RemoveRoute(HttpContext http, string route_id, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.RemoveAsync(Context(http, grains, secrets, deliveries, options), route_id));

    public static async Task<Ok<TransportBindingResponse>> UpsertBinding(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.UpsertBindingAsync(Context(http, grains, secrets, deliveries, options), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<TransportBindingList>> ListBindings(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.ListBindingsAsync(Context(http, grains, secrets, deliveries, options), Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), http.Request.Query));

    public static async Task<Ok<TransportBindingRemoved>> RemoveBinding(HttpContext http, string binding_id, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        TypedResults.Ok(await RouteOperations.RemoveBindingAsync(Context(http, grains, secrets, deliveries, options), binding_id));

    private static RouteOperations.Context Context(HttpContext http, IGrainFactory grains, Webhooks.WebhookSecrets secrets, Agents.DeliveryQueries deliveries, IOptions<ApiOptions> options) =>
        new(grains, secrets, deliveries, ApiKeyAuthFilter.CallerOf(http), PublicOrigin.Of(http, options.Value), http.RequestAborted);
}
