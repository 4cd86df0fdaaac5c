using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- naming and routing (PROTOCOL §12, §6.7; docs/adr/024) ----

    /// <summary>Creates a principal: a service account of the workspace (POST /v1/principals).</summary>
    /// <param name="request">Workspace, principal_type, display name and metadata.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<PrincipalResponse> CreatePrincipalAsync(PrincipalCreateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<PrincipalResponse>(await PostAsync("v1/principals", JsonSerializer.SerializeToNode(request, AxpJson.Info<PrincipalCreateRequest>()), ct));

    /// <summary>A principal (GET /v1/principals/{id}).</summary>
    /// <param name="principalId">Its service account id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<PrincipalResponse> GetPrincipalAsync(string principalId, CancellationToken ct = default) =>
        ContractJson.Read<PrincipalResponse>(await GetAsync($"v1/principals/{Seg(principalId)}", ct));

    /// <summary>Binds an alias to a principal: intents to its name go to the principal (POST /v1/aliases).</summary>
    /// <param name="request">The principal, the alias, its type and metadata.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AliasResponse> BindAliasAsync(AliasBindRequest request, CancellationToken ct = default) =>
        ContractJson.Read<AliasResponse>(await PostAsync("v1/aliases", JsonSerializer.SerializeToNode(request, AxpJson.Info<AliasBindRequest>()), ct));

    /// <summary>The workspace's aliases (GET /v1/aliases).</summary>
    /// <param name="principalId">Only this principal's, or null.</param>
    /// <param name="status">active or revoked, or null for both.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AliasList> ListAliasesAsync(string? principalId = null, string? status = null, CancellationToken ct = default) =>
        ContractJson.Read<AliasList>(await GetAsync("v1/aliases" + Query(("principal_id", principalId), ("status", status)), ct));

    /// <summary>The active alias of a name and its principal (GET /v1/aliases/resolve).</summary>
    /// <param name="alias">The alias.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AliasResolveResponse> ResolveAliasAsync(string alias, CancellationToken ct = default) =>
        ContractJson.Read<AliasResolveResponse>(await GetAsync("v1/aliases/resolve" + Query(("alias", alias)), ct));

    /// <summary>Revokes an alias (POST /v1/aliases/{id}/revoke).</summary>
    /// <param name="aliasId">The alias.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AliasResponse> RevokeAliasAsync(string aliasId, CancellationToken ct = default) =>
        ContractJson.Read<AliasResponse>(await SendAsync(HttpMethod.Post, $"v1/aliases/{Seg(aliasId)}/revoke", null, NewKey(), ct));

    /// <summary>Alias or principal → principal → its route (POST /v1/routing/resolve).</summary>
    /// <param name="request">Workspace and an alias or a principal id.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RoutingResolveResponse> ResolveRouteAsync(RoutingResolveRequest request, CancellationToken ct = default) =>
        ContractJson.Read<RoutingResolveResponse>(await PostAsync("v1/routing/resolve", JsonSerializer.SerializeToNode(request, AxpJson.Info<RoutingResolveRequest>()), ct));

    /// <summary>Sets a principal's route, its agent's delivery binding (POST /v1/routing/endpoints).</summary>
    /// <param name="request">The principal, transport, URL, auth mode and metadata.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RouteResponse> RegisterRouteAsync(RouteRegisterRequest request, CancellationToken ct = default) =>
        ContractJson.Read<RouteResponse>(await PostAsync("v1/routing/endpoints", JsonSerializer.SerializeToNode(request, AxpJson.Info<RouteRegisterRequest>()), ct));

    /// <summary>One route per agent of the workspace (GET /v1/routing/endpoints).</summary>
    /// <param name="principalId">Only this principal's, or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RouteList> ListRoutesAsync(string? principalId = null, CancellationToken ct = default) =>
        ContractJson.Read<RouteList>(await GetAsync("v1/routing/endpoints" + Query(("principal_id", principalId)), ct));

    /// <summary>Changes a route (PATCH /v1/routing/endpoints/{id}): URL, mode, status draining or active.</summary>
    /// <param name="routeId">The route.</param>
    /// <param name="request">What changes.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RouteResponse> UpdateRouteAsync(string routeId, RouteUpdateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<RouteResponse>(await SendAsync(HttpMethod.Patch, $"v1/routing/endpoints/{Seg(routeId)}",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<RouteUpdateRequest>()), NewKey(), ct));

    /// <summary>Sets the principal's binding back to stream (DELETE /v1/routing/endpoints/{id}).</summary>
    /// <param name="routeId">The route.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<RouteRemoved> RemoveRouteAsync(string routeId, CancellationToken ct = default) =>
        ContractJson.Read<RouteRemoved>(await SendAsync(HttpMethod.Delete, $"v1/routing/endpoints/{Seg(routeId)}", null, NewKey(), ct));

    /// <summary>Sets a principal's route by its transport handle (POST /v1/transports/bindings).</summary>
    /// <param name="request">The principal, transport and handle.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<TransportBindingResponse> UpsertTransportBindingAsync(TransportBindingRequest request, CancellationToken ct = default) =>
        ContractJson.Read<TransportBindingResponse>(await PostAsync("v1/transports/bindings", JsonSerializer.SerializeToNode(request, AxpJson.Info<TransportBindingRequest>()), ct));

    /// <summary>One binding per agent of the workspace (GET /v1/transports/bindings).</summary>
    /// <param name="principalId">Only this principal's, or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<TransportBindingList> ListTransportBindingsAsync(string? principalId = null, CancellationToken ct = default) =>
        ContractJson.Read<TransportBindingList>(await GetAsync("v1/transports/bindings" + Query(("principal_id", principalId)), ct));

    /// <summary>Sets the principal's binding back to stream (DELETE /v1/transports/bindings/{id}).</summary>
    /// <param name="bindingId">The binding.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<TransportBindingRemoved> RemoveTransportBindingAsync(string bindingId, CancellationToken ct = default) =>
        ContractJson.Read<TransportBindingRemoved>(await SendAsync(HttpMethod.Delete, $"v1/transports/bindings/{Seg(bindingId)}", null, NewKey(), ct));
}
