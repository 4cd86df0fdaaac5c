using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>POST /v1/principals (PROTOCOL §12 "Naming &amp; routing"): a principal is a service account of the workspace (docs/adr/024).</summary>
public sealed record PrincipalCreateRequest
{
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>user (a human user), service_agent or service_account (an agent).</summary>
    public required string PrincipalType { get; init; }
    /// <summary>Its display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>A principal: a service account as the routing model names it.</summary>
public sealed record Principal
{
    /// <summary>Its service account id.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>user, service_agent or service_account.</summary>
    public required string PrincipalType { get; init; }
    /// <summary>Its display name.</summary>
    public required string? DisplayName { get; init; }
    /// <summary>active, suspended (killed in the mesh) or inactive (deleted).</summary>
    public required string Status { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public required JsonObject Metadata { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Its agent address, where intents to it and to its aliases go (the node's extension).</summary>
    public required string Address { get; init; }
}

/// <summary>POST /v1/principals and GET /v1/principals/{id}.</summary>
public sealed record PrincipalResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The principal.</summary>
    public required Principal Principal { get; init; }
}

/// <summary>POST /v1/aliases.</summary>
public sealed record AliasBindRequest
{
    /// <summary>The principal the alias names.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>A name no account of the workspace has, or agent://org/workspace/name of this workspace.</summary>
    public required string Alias { get; init; }
    /// <summary>communication, service or external.</summary>
    public required string AliasType { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>An alias: intents to its address go to its principal while it is active.</summary>
public sealed record PrincipalAlias
{
    /// <summary>The alias id.</summary>
    public required string AliasId { get; init; }
    /// <summary>The principal.</summary>
    public required string PrincipalId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The alias as a name.</summary>
    public required string Alias { get; init; }
    /// <summary>Alias type.</summary>
    public required string AliasType { get; init; }
    /// <summary>active or revoked.</summary>
    public required string Status { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public required JsonObject Metadata { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it was revoked.</summary>
    public required DateTimeOffset? RevokedAt { get; init; }
    /// <summary>Its address, agent://org/workspace/alias (the node's extension).</summary>
    public required string Address { get; init; }
    /// <summary>Its principal's address, where intents to the alias go (the node's extension).</summary>
    public required string PrincipalAddress { get; init; }
}

/// <summary>POST /v1/aliases and POST /v1/aliases/{id}/revoke.</summary>
public sealed record AliasResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The alias.</summary>
    public required PrincipalAlias Alias { get; init; }
}

/// <summary>GET /v1/aliases.</summary>
public sealed record AliasList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The aliases.</summary>
    public required IReadOnlyList<PrincipalAlias> Aliases { get; init; }
}

/// <summary>GET /v1/aliases/resolve: the active alias and its principal.</summary>
public sealed record AliasResolveResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The resolution.</summary>
    public required AliasResolution Resolution { get; init; }
}

/// <summary>Alias Resolution (docs/adr/024).</summary>
public sealed record AliasResolution
{
    /// <summary>The alias.</summary>
    public required PrincipalAlias Alias { get; init; }
    /// <summary>The principal.</summary>
    public required Principal Principal { get; init; }
}

/// <summary>POST /v1/routing/resolve: an alias or a principal id.</summary>
public sealed record RoutingResolveRequest
{
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The alias.</summary>
    public string? Alias { get; init; }
    /// <summary>The principal.</summary>
    public string? PrincipalId { get; init; }
}

/// <summary>Routing Resolution (docs/adr/024).</summary>
public sealed record RoutingResolution
{
    /// <summary>The alias.</summary>
    public required PrincipalAlias? Alias { get; init; }
    /// <summary>The principal.</summary>
    public required Principal Principal { get; init; }
    /// <summary>The route a delivery takes now; null while the agent is killed or deleted.</summary>
    public required DeliveryRoute? SelectedRoute { get; init; }
    /// <summary>Every route of the principal.</summary>
    public required IReadOnlyList<DeliveryRoute> CandidateRoutes { get; init; }
    /// <summary>The steps of the resolution, as the gateway names them.</summary>
    public IReadOnlyList<string> ResolverChain { get; init; } = ["alias", "principal_id", "endpoint_route", "transport_dispatch"];
}

/// <summary>Routing Resolve Response (docs/adr/024).</summary>
public sealed record RoutingResolveResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The resolution.</summary>
    public required RoutingResolution Resolution { get; init; }
}
