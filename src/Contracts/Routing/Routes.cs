using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>
/// A route to a principal: on this node, its agent's delivery binding (docs/adr/024), transport http for a pushed
/// binding, queue for the node's own queue the agent drains (stream, poll, inbox, internal).
/// </summary>
public sealed record DeliveryRoute
{
    /// <summary>The route id (one per principal on this node: its delivery binding).</summary>
    public required string RouteId { get; init; }
    /// <summary>The principal.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>http or queue.</summary>
    public required string TransportType { get; init; }
    /// <summary>Where deliveries go (http) or where the agent drains them (queue).</summary>
    public required string EndpointUrl { get; init; }
    /// <summary>signed_key (pushed, HMAC-signed) or none (the agent pulls with its own key).</summary>
    public required string AuthMode { get; init; }
    /// <summary>Not used by a single node (null).</summary>
    public string? Region { get; init; }
    /// <summary>Not used by a single node (null).</summary>
    public string? ClusterId { get; init; }
    /// <summary>none: one binding per agent.</summary>
    public required string FailoverPolicy { get; init; }
    /// <summary>100: one binding per agent.</summary>
    public required int Priority { get; init; }
    /// <summary>healthy, degraded, unhealthy or unknown (the mesh's health of the agent).</summary>
    public required string HealthStatus { get; init; }
    /// <summary>active, draining (killed: deliveries wait) or inactive (deleted).</summary>
    public required string Status { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public required JsonObject Metadata { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// POST /v1/routing/endpoints: sets the principal's one route, its agent's delivery binding (docs/adr/024): http or
/// webhook → the node POSTs to endpoint_url, signed (auth_mode signed_key); queue → the agent drains the node's queue
/// (metadata.delivery_mode stream, poll or inbox; stream by default).
/// </summary>
public sealed record RouteRegisterRequest
{
    /// <summary>The principal.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>http, webhook or queue (matrix is not a transport of this node).</summary>
    public required string TransportType { get; init; }
    /// <summary>http, webhook: where deliveries are POSTed. queue: ignored (the node answers with its own URL).</summary>
    public required string EndpointUrl { get; init; }
    /// <summary>signed_key (http, webhook) or none (queue).</summary>
    public required string AuthMode { get; init; }
    /// <summary>Not used by a single node; refused when given.</summary>
    public string? Region { get; init; }
    /// <summary>Not used by a single node; refused when given.</summary>
    public string? ClusterId { get; init; }
    /// <summary>none (the only policy of one route per principal).</summary>
    public string? FailoverPolicy { get; init; }
    /// <summary>100 (the only priority of one route per principal).</summary>
    public int? Priority { get; init; }
    /// <summary>delivery_mode (queue: stream, poll or inbox), max_delivery_attempts, webhook_secret (http: else one is generated and shown once).</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>PATCH /v1/routing/endpoints/{route_id}: endpoint_url, status (active resumes, draining kills the agent), metadata as at register.</summary>
public sealed record RouteUpdateRequest
{
    /// <summary>http, webhook: the new URL.</summary>
    public string? EndpointUrl { get; init; }
    /// <summary>signed_key or none, as the transport takes.</summary>
    public string? AuthMode { get; init; }
    /// <summary>Refused when given.</summary>
    public string? Region { get; init; }
    /// <summary>Refused when given.</summary>
    public string? ClusterId { get; init; }
    /// <summary>none.</summary>
    public string? FailoverPolicy { get; init; }
    /// <summary>100.</summary>
    public int? Priority { get; init; }
    /// <summary>Measured by the mesh: refused when given.</summary>
    public string? HealthStatus { get; init; }
    /// <summary>active (resume the agent) or draining (kill it: its deliveries wait).</summary>
    public string? Status { get; init; }
    /// <summary>delivery_mode, max_delivery_attempts, webhook_secret.</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>POST and PATCH /v1/routing/endpoints: the route as it now is.</summary>
public sealed record RouteResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The route.</summary>
    public required DeliveryRoute Route { get; init; }
}

/// <summary>GET /v1/routing/endpoints.</summary>
public sealed record RouteList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>One route per principal of the workspace.</summary>
    public required IReadOnlyList<DeliveryRoute> Routes { get; init; }
}

/// <summary>DELETE /v1/routing/endpoints/{route_id}: the principal's binding is back to the default (stream).</summary>
public sealed record RouteRemoved
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The removed route.</summary>
    public required RemovedRoute Route { get; init; }
}

/// <summary>A removed route.</summary>
public sealed record RemovedRoute
{
    /// <summary>The route id.</summary>
    public required string RouteId { get; init; }
    /// <summary>True.</summary>
    public bool Removed { get; init; } = true;
}

/// <summary>POST /v1/transports/bindings (PROTOCOL §6.7): the same record as the principal's route, by its transport handle.</summary>
public sealed record TransportBindingRequest
{
    /// <summary>The principal.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>http, webhook or queue.</summary>
    public required string TransportType { get; init; }
    /// <summary>http, webhook: the URL deliveries are POSTed to; queue: stream, poll or inbox.</summary>
    public required string TransportHandle { get; init; }
    /// <summary>100.</summary>
    public int? Priority { get; init; }
    /// <summary>active (inactive is refused: a principal always has its binding).</summary>
    public string? Status { get; init; }
    /// <summary>max_delivery_attempts, webhook_secret.</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>A transport binding: a principal's route seen as §6.7 shows it.</summary>
public sealed record TransportBinding
{
    /// <summary>The binding id.</summary>
    public required string BindingId { get; init; }
    /// <summary>The principal.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>http or queue.</summary>
    public required string TransportType { get; init; }
    /// <summary>The URL deliveries are POSTed to (http), or the queue's mode (stream, poll, inbox, internal).</summary>
    public required string TransportHandle { get; init; }
    /// <summary>100.</summary>
    public required int Priority { get; init; }
    /// <summary>active or inactive (the principal is deleted).</summary>
    public required string Status { get; init; }
    /// <summary>delivery_mode, max_delivery_attempts (and webhook_secret, once, when one was generated).</summary>
    public required JsonObject Metadata { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>POST /v1/transports/bindings.</summary>
public sealed record TransportBindingResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The binding.</summary>
    public required TransportBinding Binding { get; init; }
}

/// <summary>GET /v1/transports/bindings.</summary>
public sealed record TransportBindingList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>One binding per principal of the workspace.</summary>
    public required IReadOnlyList<TransportBinding> Bindings { get; init; }
}

/// <summary>DELETE /v1/transports/bindings/{binding_id}.</summary>
public sealed record TransportBindingRemoved
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The removed binding.</summary>
    public required RemovedBinding Binding { get; init; }
}

/// <summary>A removed binding.</summary>
public sealed record RemovedBinding
{
    /// <summary>The binding id.</summary>
    public required string BindingId { get; init; }
    /// <summary>True.</summary>
    public bool Removed { get; init; } = true;
}
