using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Routing;

/// <summary>
/// The gateway's naming and routing model on the node's own directory (docs/adr/024): a principal is a service account,
/// an alias a second name of one in its workspace's namespace, a route its agent's delivery binding. Nothing here is a
/// table of its own: the directory and the delivery settings are the one source of truth.
/// </summary>
public static class RoutingOperations
{
    private static readonly HashSet<string> PrincipalTypes = ["user", "service_agent", "service_account"];

    /// <summary>POST /v1/principals: a service account (user: a human user) named after its display name, with a suffix.</summary>
    public static async Task<PrincipalResponse> CreatePrincipalAsync(IGrainFactory grains, Caller caller, RequestBody body)
    {
        var managing = ServiceAccountOperations.ManagingCaller(caller);
        var (org, ws) = Query.Workspace(body, managing);
        var type = body.String("principal_type", 32, required: true)!;
        if (!PrincipalTypes.Contains(type))
            throw ProtocolException.Invalid("principal_type", "principal_type must be user, service_agent or service_account", "invalid_principal_type");
        var display = body.String("display_name", 255);
        // The gateway's principal has no name: the account's is its display name's slug (or its type) and a suffix.
        var stem = AgentAddress.Slug(display ?? "") is { Length: > 0 } slug ? slug[..Math.Min(slug.Length, 100)].TrimEnd('-', '.', '_') : type.Replace('_', '-');
        var (account, _) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(org, ws)).CreateServiceAccountAsync(new CreateServiceAccountCommand
        {
            OrgId = org, WorkspaceId = ws, Name = $"{stem}-{Guid.NewGuid().ToString("N")[..8]}", DisplayName = display,
            CreatedByActorId = managing.ServiceAccountId, Kind = type == "user" ? AccountKinds.Human : AccountKinds.Agent,
            PrincipalType = type, MetadataJson = body.Object("metadata") ?? "{}",
        });
        return new PrincipalResponse { Principal = await PrincipalAsync(grains, account) };
    }

    /// <summary>GET /v1/principals/{id}: any account of the caller's workspace (an admin's: any).</summary>
    public static async Task<PrincipalResponse> GetPrincipalAsync(IGrainFactory grains, Caller caller, string principalId) =>
        new() { Principal = await PrincipalAsync(grains, await AccountAsync(grains, caller, principalId)) };

    /// <summary>POST /v1/aliases: binds a name of the workspace to a principal the caller manages.</summary>
    public static async Task<AliasResponse> BindAsync(IGrainFactory grains, Caller caller, (string Org, string Ws) workspace, RequestBody body)
    {
        var managing = ServiceAccountOperations.ManagingCaller(caller);
        var principalId = body.String("principal_id", 64, required: true)!;
        var alias = body.String("alias", 255, required: true)!;
        if (alias.Trim().Length < 3) throw ProtocolException.Invalid("alias", "alias must be 3 to 255 characters");
        var type = body.String("alias_type", 32, required: true)!;
        if (!AliasTypes.All.Contains(type))
            throw ProtocolException.Invalid("alias_type", "alias_type must be communication, service or external", "invalid_alias_type");
        var account = await AccountAsync(grains, caller, principalId);
        if ((account.OrgId, account.WorkspaceId) != workspace) throw ProtocolException.NotFound("principal", principalId);
        AccountAccess.MustManage(managing, account, "bind an alias to it");
        var (bound, _) = await Directory(grains, workspace).BindAliasAsync(new BindAliasCommand
        {
            PrincipalId = principalId, Alias = alias, AliasType = type, MetadataJson = body.Object("metadata") ?? "{}", Actor = managing.ServiceAccountId,
        });
        return new AliasResponse { Alias = ToWire(bound) };
    }

    /// <summary>GET /v1/aliases: the workspace's aliases (principal_id, status filter them).</summary>
    public static async Task<AliasList> ListAsync(IGrainFactory grains, (string Org, string Ws) workspace, IQueryCollection query)
    {
        var principal = Query.String(query, "principal_id");
        var status = Query.String(query, "status");
        if (status is not (null or AliasStatus.Active or AliasStatus.Revoked)) throw ProtocolException.Invalid("status", "status must be active or revoked");
        var all = await Directory(grains, workspace).ListAliasesAsync();
        return new AliasList { Aliases = [.. all.Where(a => (principal is null || a.PrincipalId == principal) && (status is null || a.Status == status)).Select(ToWire)] };
    }

    /// <summary>POST /v1/aliases/{id}/revoke: by whoever manages its principal, or an admin.</summary>
    public static async Task<AliasResponse> RevokeAsync(IGrainFactory grains, Caller caller, (string Org, string Ws) workspace, string aliasId)
    {
        var managing = ServiceAccountOperations.ManagingCaller(caller);
        var directory = Directory(grains, workspace);
        var alias = (await directory.ListAliasesAsync()).FirstOrDefault(a => a.AliasId == aliasId) ?? throw ProtocolException.NotFound("alias", aliasId);
        if (await grains.GetGrain<IServiceAccountGrain>(alias.PrincipalId).GetAsync() is { } principal) AccountAccess.MustManage(managing, principal, "revoke its alias");
        else if (!managing.IsAdmin) throw ProtocolException.Forbidden("only an admin may revoke an alias of a deleted principal");
        return new AliasResponse { Alias = ToWire(await directory.RevokeAliasAsync(aliasId)) };
    }

    /// <summary>GET /v1/aliases/resolve: the active alias of that name and its principal; 404 alias_not_found.</summary>
    public static async Task<AliasResolveResponse> ResolveAliasAsync(IGrainFactory grains, Caller caller, (string Org, string Ws) workspace, string alias)
    {
        var found = await FindAsync(grains, workspace, alias);
        return new AliasResolveResponse
        {
            Resolution = new AliasResolution { Alias = ToWire(found), Principal = await PrincipalAsync(grains, await AccountAsync(grains, caller, found.PrincipalId)) },
        };
    }

    /// <summary>
    /// POST /v1/routing/resolve: alias → principal → its routes (on this node one: its agent's delivery binding) → the one
    /// a delivery takes now (none while the agent is killed or deleted).
    /// </summary>
    public static async Task<RoutingResolveResponse> ResolveRouteAsync(IGrainFactory grains, Caller caller, RequestBody body, string origin)
    {
        var (org, ws) = Query.Workspace(body, caller);
        var aliasName = body.String("alias", 255);
        var principalId = body.String("principal_id", 64);
        if (aliasName is null && principalId is null) throw ProtocolException.Invalid("alias", "alias or principal_id is required", "missing_field");
        var alias = aliasName is null ? null : await FindAsync(grains, (org, ws), aliasName);
        if (alias is not null && principalId is not null && alias.PrincipalId != principalId)
            throw ProtocolException.Invalid("principal_id", $"alias {alias.Name} names principal {alias.PrincipalId}, not {principalId}", "alias_principal_mismatch");
        var account = await AccountAsync(grains, caller, alias?.PrincipalId ?? principalId!);
        if ((account.OrgId, account.WorkspaceId) != (org, ws)) throw ProtocolException.NotFound("principal", account.ServiceAccountId);
        var view = await grains.GetGrain<IAgentGrain>(account.AgentAddress).GetMeshAsync("day");
        var route = view is null ? null : RouteOf(account, view, origin);
        return new RoutingResolveResponse
        {
            Resolution = new RoutingResolution
            {
                Alias = alias is null ? null : ToWire(alias),
                Principal = ToWire(account, view?.Agent.Killed is not null),
                SelectedRoute = route is { Status: "active" } ? route : null,
                CandidateRoutes = route is null ? [] : [route],
            },
        };
    }

    /// <summary>
    /// An agent's delivery binding as a route: http when the node pushes to its URL (signed with its secret), else queue:
    /// the node's own queue the agent drains with its key (stream, poll), or the inbox and in-silo handlers.
    /// </summary>
    public static DeliveryRoute RouteOf(ServiceAccountRecord account, MeshAgentView view, string origin)
    {
        var agent = view.Agent;
        // The agent routes' path form (PROTOCOL §6.3): agent://org/ws/name as org/ws/name.
        var path = string.Join('/', agent.Address[AgentAddress.Scheme.Length..].Split('/').Select(Uri.EscapeDataString));
        var (transport, url, auth) = agent.DeliveryMode switch
        {
            DeliveryModes.Http => ("http", agent.WebhookUrl ?? "", "signed_key"),
            DeliveryModes.Poll => ("queue", $"{origin}/v1/agents/{path}/intents", "none"),
            DeliveryModes.Inbox => ("queue", $"{origin}/v1/inbox?owner_agent={Uri.EscapeDataString(agent.Address)}", "none"),
            DeliveryModes.Internal => ("queue", $"internal://{agent.InternalHandler ?? agent.Name}", "none"),
            _ => ("queue", $"{origin}/v1/agents/{path}/intents/stream", "none"),
        };
        return new DeliveryRoute
        {
            RouteId = "route_" + account.ServiceAccountId, PrincipalId = account.ServiceAccountId, OrgId = account.OrgId, WorkspaceId = account.WorkspaceId,
            TransportType = transport, EndpointUrl = url, AuthMode = auth, FailoverPolicy = "none", Priority = 100,
            HealthStatus = view.HealthStatus switch
            {
                MeshHealthStatus.Healthy => "healthy",
                MeshHealthStatus.Degraded => "degraded",
                MeshHealthStatus.Unreachable or MeshHealthStatus.Killed => "unhealthy",
                _ => "unknown",
            },
            Status = agent.Status != "active" ? "inactive" : agent.Killed is not null ? "draining" : "active",
            Metadata = new JsonObject { ["delivery_mode"] = agent.DeliveryMode, ["max_delivery_attempts"] = agent.MaxDeliveryAttempts },
            CreatedAt = agent.CreatedAt, UpdatedAt = agent.UpdatedAt,
        };
    }

    private static async Task<Principal> PrincipalAsync(IGrainFactory grains, ServiceAccountRecord account) =>
        ToWire(account, (await grains.GetGrain<IAgentGrain>(account.AgentAddress).GetAsync())?.Killed is not null);

    private static Principal ToWire(ServiceAccountRecord a, bool killed) => new()
    {
        PrincipalId = a.ServiceAccountId, OrgId = a.OrgId, WorkspaceId = a.WorkspaceId,
        PrincipalType = a.PrincipalType ?? (a.IsHuman ? "user" : "service_agent"), DisplayName = a.DisplayName,
        Status = a.Status != "active" ? "inactive" : killed ? "suspended" : "active",
        Metadata = JsonNode.Parse(a.MetadataJson ?? "{}") as JsonObject ?? [], CreatedAt = a.CreatedAt, UpdatedAt = a.UpdatedAt, Address = a.AgentAddress,
    };

    public static PrincipalAlias ToWire(AliasRecord a) => new()
    {
        AliasId = a.AliasId, PrincipalId = a.PrincipalId, OrgId = a.OrgId, WorkspaceId = a.WorkspaceId, Alias = a.Name, AliasType = a.AliasType,
        Status = a.Status, Metadata = JsonNode.Parse(a.MetadataJson) as JsonObject ?? [], CreatedAt = a.CreatedAt, UpdatedAt = a.UpdatedAt,
        RevokedAt = a.RevokedAt, Address = a.Address, PrincipalAddress = a.PrincipalAddress,
    };

    /// <summary>An account the caller may see (its workspace's, any for an admin); 404 principal_not_found otherwise.</summary>
    public static async Task<ServiceAccountRecord> AccountAsync(IGrainFactory grains, Caller caller, string principalId) =>
        principalId.StartsWith("sa_", StringComparison.Ordinal)
        && await grains.GetGrain<IServiceAccountGrain>(principalId).GetAsync() is { } account && caller.CanAccess(account.OrgId, account.WorkspaceId)
            ? account
            : throw ProtocolException.NotFound("principal", principalId);

    private static async Task<AliasRecord> FindAsync(IGrainFactory grains, (string Org, string Ws) workspace, string alias)
    {
        string address;
        try
        {
            address = AgentAddress.ForServiceAccount(workspace.Org, workspace.Ws, alias.Trim());
        }
        catch (ProtocolException)
        {
            throw ProtocolException.NotFound("alias", alias);
        }
        return await Directory(grains, workspace).FindAliasAsync(address) ?? throw ProtocolException.NotFound("alias", alias);
    }

    private static IWorkspaceGrain Directory(IGrainFactory grains, (string Org, string Ws) workspace) =>
        grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(workspace.Org, workspace.Ws));
}
