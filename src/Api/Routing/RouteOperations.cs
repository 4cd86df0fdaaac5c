using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Agents;
using Axme.Api.Http;
using Axme.Api.Webhooks;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Routing;

/// <summary>
/// Routing endpoints and transport bindings (PROTOCOL §12, §6.7; docs/adr/024) as views and edits of one record: a
/// principal's agent delivery binding. Registering a route sets the binding (as PUT /v1/agents/{a}/delivery does, and
/// hands waiting intents to it), removing one sets it back to stream; a binding is the same route by its handle.
/// </summary>
public static class RouteOperations
{
    public const string RoutePrefix = "route_", BindingPrefix = "binding_";
    private const int OnlyPriority = 100;
    private static readonly HashSet<string> QueueModes = [DeliveryModes.Stream, DeliveryModes.Poll, DeliveryModes.Inbox];

    /// <summary>What a route or binding asks of a principal's delivery binding.</summary>
    private sealed record Change(string? Mode, string? Url, int? MaxAttempts, string? Secret);

    public sealed record Context(IGrainFactory Grains, WebhookSecrets Secrets, DeliveryQueries Deliveries, Caller Caller, string Origin, CancellationToken Ct);

    /// <summary>POST /v1/routing/endpoints.</summary>
    public static async Task<RouteResponse> RegisterAsync(Context c, RequestBody body)
    {
        var principalId = body.String("principal_id", 64, required: true)!;
        var transport = Transport(body.String("transport_type", 16, required: true)!);
        var auth = body.String("auth_mode", 16, required: true)!;
        SingleRoute(body);
        body.String("endpoint_url", 4096, required: true); // required; a queue route's URL is the node's own, not kept
        var url = transport == "http" ? c.Secrets.Url(body, "endpoint_url", required: true) : null;
        return new RouteResponse { Route = await SetAsync(c, principalId, transport, auth, Meta(body, transport, url)) };
    }

    /// <summary>PATCH /v1/routing/endpoints/{route_id}: the URL, the metadata's settings, and status active (resume) or draining (kill).</summary>
    public static async Task<RouteResponse> UpdateAsync(Context c, string routeId, RequestBody body)
    {
        var (account, agent) = await PrincipalAsync(c, Principal(routeId, RoutePrefix));
        await AccountAccess.MustManageAgentAsync(c.Grains, c.Caller, agent, "change its route");
        if (body.String("health_status", 32) is not null)
            throw ProtocolException.Invalid("health_status", "health_status is what the mesh measures (heartbeats, reported failures): it cannot be set", "health_status_read_only");
        SingleRoute(body);
        var status = body.String("status", 16);
        if (status is not (null or "active" or "draining"))
            throw ProtocolException.Invalid("status", "status must be active (resume the agent) or draining (kill it: its deliveries wait); a principal always has its route", "invalid_route_status");
        // A new URL makes (or keeps) the route http; a queue mode in metadata makes it a queue; else it stays what it is.
        var mode = Meta(body, null, null).Mode;
        var transport = body.String("endpoint_url", 4096) is not null ? "http"
            : mode is not null ? (QueueModes.Contains(mode) ? "queue" : throw ProtocolException.Invalid("metadata.delivery_mode", "a queue route's delivery_mode is stream, poll or inbox", "invalid_delivery_mode"))
            : agent.DeliveryMode == DeliveryModes.Http ? "http" : "queue";
        var url = transport == "http" ? c.Secrets.Url(body, "endpoint_url") : null;
        var auth = body.String("auth_mode", 16) ?? (transport == "http" ? "signed_key" : "none");
        // Only a body that changes the binding writes it (a status alone does not).
        var binding = body.Root.ContainsKey("endpoint_url") || body.Root.ContainsKey("auth_mode") || body.Root["metadata"] is JsonObject;
        var route = binding ? await SetAsync(c, account.ServiceAccountId, transport, auth, Meta(body, transport, url)) : null;
        if (status is not null)
        {
            // The mesh's own kill and resume (logged there); what waited for a push binding goes out on resume.
            var grain = c.Grains.GetGrain<IAgentGrain>(account.AgentAddress);
            if (status == "draining" && agent.Killed is null) await grain.KillAsync(c.Caller.ServiceAccountId, "route drained (PATCH /v1/routing/endpoints)");
            if (status == "active" && agent.Killed is not null)
                await AgentOperations.RedispatchWaitingAsync(c.Grains, c.Deliveries, (await grain.ResumeAsync(c.Caller.ServiceAccountId)).Agent, c.Ct);
        }
        if (status is null && route is not null) return new RouteResponse { Route = route };
        var now = await RouteAsync(c, account);
        if (route?.Metadata["webhook_secret"] is { } secret) now.Metadata["webhook_secret"] = secret.DeepClone(); // generated just now: shown once
        return new RouteResponse { Route = now };
    }

    /// <summary>DELETE /v1/routing/endpoints/{route_id}: the binding goes back to stream (the default).</summary>
    public static async Task<RouteRemoved> RemoveAsync(Context c, string routeId)
    {
        await SetAsync(c, Principal(routeId, RoutePrefix), "queue", "none", new Change(DeliveryModes.Stream, null, null, null));
        return new RouteRemoved { Route = new RemovedRoute { RouteId = routeId } };
    }

    /// <summary>GET /v1/routing/endpoints: one route per agent of the workspace (principal_id: its own only).</summary>
    public static async Task<RouteList> ListAsync(Context c, (string Org, string Ws) workspace, IQueryCollection query) =>
        new() { Routes = await RoutesAsync(c, workspace, query) };

    /// <summary>POST /v1/transports/bindings: the principal's route by its handle (an URL for http, a queue mode for queue).</summary>
    public static async Task<TransportBindingResponse> UpsertBindingAsync(Context c, RequestBody body)
    {
        var principalId = body.String("principal_id", 64, required: true)!;
        var transport = Transport(body.String("transport_type", 16, required: true)!);
        if (body.Int("priority", 1, 10000) is { } p && p != OnlyPriority)
            throw ProtocolException.Invalid("priority", $"a principal has one binding on this node: priority is {OnlyPriority}", "priority_not_supported");
        if (body.String("status", 16) is not (null or "active"))
            throw ProtocolException.Invalid("status", "a principal always has its binding: remove it to go back to stream", "invalid_binding_status");
        var handle = body.String("transport_handle", 2048, required: true)!;
        Change change;
        if (transport == "http") change = Meta(body, "http", c.Secrets.Url(new RequestBody(new JsonObject { ["transport_handle"] = handle }), "transport_handle", required: true));
        else if (QueueModes.Contains(handle)) change = Meta(body, "queue", null) with { Mode = handle };
        else throw ProtocolException.Invalid("transport_handle", "a queue binding's handle is stream, poll or inbox", "invalid_transport_handle");
        return new TransportBindingResponse { Binding = BindingOf(await SetAsync(c, principalId, transport, transport == "http" ? "signed_key" : "none", change)) };
    }

    public static async Task<TransportBindingList> ListBindingsAsync(Context c, (string Org, string Ws) workspace, IQueryCollection query) =>
        new() { Bindings = [.. (await RoutesAsync(c, workspace, query)).Select(BindingOf)] };

    public static async Task<TransportBindingRemoved> RemoveBindingAsync(Context c, string bindingId)
    {
        await SetAsync(c, Principal(bindingId, BindingPrefix), "queue", "none", new Change(DeliveryModes.Stream, null, null, null));
        return new TransportBindingRemoved { Binding = new RemovedBinding { BindingId = bindingId } };
    }

    /// <summary>A route as §6.7's binding: the same record, its handle the URL (http) or the queue's mode.</summary>
    public static TransportBinding BindingOf(DeliveryRoute r) => new()
    {
        BindingId = BindingPrefix + r.PrincipalId, PrincipalId = r.PrincipalId, OrgId = r.OrgId, WorkspaceId = r.WorkspaceId, TransportType = r.TransportType,
        TransportHandle = r.TransportType == "http" ? r.EndpointUrl : r.Metadata["delivery_mode"]!.GetValue<string>(), Priority = r.Priority,
        Status = r.Status == "inactive" ? "inactive" : "active", Metadata = r.Metadata, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
    };

    /// <summary>Applies a change to the principal's delivery binding (the caller must manage it), then answers its route.</summary>
    private static async Task<DeliveryRoute> SetAsync(Context c, string principalId, string transport, string auth, Change change)
    {
        if ((transport, auth) is not (("http", "signed_key") or ("queue", "none")))
            throw ProtocolException.Invalid("auth_mode", transport == "http"
                ? "the node signs every delivery it POSTs (HMAC with the binding's secret): auth_mode signed_key"
                : "the agent drains the queue with its own API key: auth_mode none", "auth_mode_not_supported");
        var (account, agent) = await PrincipalAsync(c, principalId);
        await AccountAccess.MustManageAgentAsync(c.Grains, c.Caller, agent, "change its route");
        var request = new DeliveryRequest(transport == "http" ? DeliveryModes.Http : change.Mode ?? (agent.DeliveryMode == DeliveryModes.Http ? DeliveryModes.Stream : null),
            null, change.MaxAttempts, change.Url, change.Secret, null);
        var (updated, generated) = await request.ApplyAsync(c.Grains, c.Secrets, agent);
        await AgentOperations.RedispatchWaitingAsync(c.Grains, c.Deliveries, updated, c.Ct);
        var route = await RouteAsync(c, account);
        if (generated is not null) route.Metadata["webhook_secret"] = generated; // shown once, as a new key's token
        return route;
    }

    private static async Task<DeliveryRoute> RouteAsync(Context c, ServiceAccountRecord account) =>
        RoutingOperations.RouteOf(account, await c.Grains.GetGrain<IAgentGrain>(account.AgentAddress).GetMeshAsync("day")
            ?? throw ProtocolException.NotFound("principal", account.ServiceAccountId), c.Origin);

    private static async Task<IReadOnlyList<DeliveryRoute>> RoutesAsync(Context c, (string Org, string Ws) workspace, IQueryCollection query)
    {
        var principal = Query.String(query, "principal_id");
        var page = await WorkspaceDirectory.PageAsync(c.Grains, workspace.Org, workspace.Ws,
            a => !a.IsHuman && (principal is null || a.ServiceAccountId == principal), null, WorkspaceDirectory.MaxLimit);
        var views = await Task.WhenAll(page.Accounts.Select(async a => (a, await c.Grains.GetGrain<IAgentGrain>(a.AgentAddress).GetMeshAsync("day"))));
        return [.. views.Where(v => v.Item2 is not null).Select(v => RoutingOperations.RouteOf(v.a, v.Item2!, c.Origin))];
    }

    private static async Task<(ServiceAccountRecord Account, AgentRecord Agent)> PrincipalAsync(Context c, string principalId)
    {
        // A human user's account has no delivery binding: no route either.
        if (await RoutingOperations.AccountAsync(c.Grains, c.Caller, principalId) is { IsHuman: false } account
            && await c.Grains.GetGrain<IAgentGrain>(account.AgentAddress).GetAsync() is { } agent)
            return (account, agent);
        throw ProtocolException.NotFound("principal", principalId);
    }

    private static string Principal(string id, string prefix) =>
        id.StartsWith(prefix, StringComparison.Ordinal) ? id[prefix.Length..] : throw ProtocolException.NotFound(prefix.TrimEnd('_'), id);

    private static string Transport(string raw) => raw switch
    {
        "http" or "webhook" => "http", // a webhook is an http POST to the principal's URL
        "queue" => "queue",
        "matrix" => throw ProtocolException.Invalid("transport_type", "matrix is not a transport of this node: http, webhook or queue", "transport_not_supported"),
        _ => throw ProtocolException.Invalid("transport_type", "transport_type must be http, webhook or queue", "invalid_transport_type"),
    };

    /// <summary>One route per principal: region, cluster and failover have nothing to choose between; the priority is fixed.</summary>
    private static void SingleRoute(RequestBody body)
    {
        foreach (var field in new[] { "region", "cluster_id" })
            if (body.String(field, 128) is not null)
                throw ProtocolException.Invalid(field, $"a principal has one route on this node: {field} has nothing to select", "route_option_not_supported");
        if (body.String("failover_policy", 32) is not (null or "none"))
            throw ProtocolException.Invalid("failover_policy", "a principal has one route on this node: failover_policy none", "route_option_not_supported");
        if (body.Int("priority", 1, int.MaxValue) is { } p && p != OnlyPriority)
            throw ProtocolException.Invalid("priority", $"a principal has one route on this node: priority {OnlyPriority}", "route_option_not_supported");
    }

    /// <summary>metadata's settings: delivery_mode (queue), max_delivery_attempts, webhook_secret (http).</summary>
    private static Change Meta(RequestBody body, string? transport, string? url)
    {
        if (body.Root["metadata"] is not JsonObject raw) return new Change(null, url, null, null);
        var meta = new RequestBody(raw);
        var mode = meta.String("delivery_mode", 16);
        if (mode is not null && transport == "queue" && !QueueModes.Contains(mode))
            throw ProtocolException.Invalid("metadata.delivery_mode", "a queue route's delivery_mode is stream, poll or inbox", "invalid_delivery_mode");
        return new Change(mode, url, meta.Int("max_delivery_attempts", 1, 1000), WebhookSecrets.Read(meta, "webhook_secret"));
    }
}
