using Axme.Api.Audit;
using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Webhooks;
using Axme.Contracts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Agents;

/// <summary>The agent directory (PROTOCOL §6.3) and the agent delivery stream (§6.4) under one catch-all route.</summary>
public static class AgentEndpoints
{
    private const string StreamSuffix = "/intents/stream";
    private const string LeaseSuffix = "/intents/lease";
    private const string DeliverySuffix = "/delivery";

    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/agents").WithTags("Agents");
        g.MapGet("", List).WithName("ListAgents").WithSummary("List a workspace's agents");
        // Addresses arrive unescaped with their agent:// prefix removed, so the route must be catch-all; each method
        // serves the agent and its sub-resources, and declares its main answer (the others are in the description).
        g.MapGet("/{**address}", GetOrStream).WithName("GetAgent")
            .Produces<AgentResponse>().Produces<AgentDelivery>(200, "text/event-stream")
            .WithSummary("Get an agent, or (…/intents/stream) listen for its deliveries over SSE")
            .WithDescription("{address}: the agent (AgentResponse); {address}/intents/stream: its deliveries as Server-Sent Events " +
                "(data = AgentDelivery, then stream.timeout); {address}/receive-override: its receive override (AgentReceiveOverrideResponse).");
        g.MapPut("/{**address}", Configure).Accepts<AgentDeliveryRequest>("application/json").WithName("ConfigureAgent").Produces<AgentResponse>()
            .WithSummary("…/delivery: set the agent's delivery binding (stream, poll, http with webhook_url and webhook_secret, inbox, internal with internal_handler) and its lease and attempt limits")
            .WithDescription("{address}/delivery answers AgentResponse; {address}/receive-override (override_type) answers AgentReceiveOverrideResponse.").Audit("agent.configure", "agent", "address");
        g.MapPost("/{**address}", Lease).Accepts<System.Text.Json.Nodes.JsonObject>("application/json").WithName("LeaseAgentDeliveries").Produces<AgentLease>()
            .WithSummary("…/intents/lease: a poller leases up to max deliveries; …/receive-override/entries: allow a sender pattern")
            .WithDescription("{address}/intents/lease answers AgentLease; {address}/receive-override/entries (sender_pattern) answers AgentReceiveOverrideResponse.");
        g.MapDelete("/{**address}", RemoveOverrideEntry).WithName("RemoveAgentReceiveOverrideEntry").Produces<AgentReceiveOverrideResponse>()
            .WithSummary("…/receive-override/entries/{entry_id}: remove an allowed sender pattern").Audit("policy.receive_override.entry.remove", "agent", "address");
        return v1;
    }

    public static async Task<Ok<AgentPage>> List(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await AgentOperations.ListAsync(grains, ApiKeyAuthFilter.CallerOf(http), http.Request.Query));

    public static async Task GetOrStream(HttpContext http, string address, IGrainFactory grains, DeliveryQueries deliveries, StreamSlots slots)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyOperations.OverrideSuffix, StringComparison.Ordinal))
        {
            var target = await AgentOperations.ResolveAsync(grains, caller, address[..^ReceivePolicyOperations.OverrideSuffix.Length]);
            await TypedResults.Json(await ReceivePolicyOperations.GetOverrideAsync(grains, target)).ExecuteAsync(http);
            return;
        }
        var stream = address.EndsWith(StreamSuffix, StringComparison.Ordinal);
        var agent = await AgentOperations.ResolveAsync(grains, caller, stream ? address[..^StreamSuffix.Length] : address);
        if (stream)
        {
            Mesh.MeshOperations.NotKilled(agent);
            using var slot = slots.Enter(caller, StreamSlots.Agent);
            await AgentStream.RunAsync(http, caller, agent, grains, deliveries);
            return;
        }
        await TypedResults.Ok(new AgentResponse { Agent = agent.ToWire() }).ExecuteAsync(http);
    }

    public static async Task<IResult> Configure(HttpContext http, string address, IGrainFactory grains, WebhookSecrets secrets, DeliveryQueries deliveries)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyOperations.OverrideSuffix, StringComparison.Ordinal))
            return TypedResults.Json(await ReceivePolicyOperations.ChangeOverrideAsync(grains, caller,
                await AgentOperations.ResolveAsync(grains, caller, address[..^ReceivePolicyOperations.OverrideSuffix.Length]), "set",
                () => RequestBody.ReadAsync(http)));
        if (!address.EndsWith(DeliverySuffix, StringComparison.Ordinal)) throw ProtocolException.NotFound("route", "PUT /v1/agents/" + address);
        var agent = await AgentOperations.ResolveAsync(grains, caller, address[..^DeliverySuffix.Length]);
        await Accounts.AccountAccess.MustManageAgentAsync(grains, caller, agent, "change its delivery binding");
        var body = await RequestBody.ReadAsync(http);
        var (updated, generatedSecret) = await DeliveryRequest.Read(body, secrets).ApplyAsync(grains, secrets, agent);
        await AgentOperations.RedispatchWaitingAsync(grains, deliveries, updated, http.RequestAborted);
        return TypedResults.Ok(new AgentResponse { Agent = updated.ToWire(generatedSecret) });
    }

    public static async Task<IResult> RemoveOverrideEntry(HttpContext http, string address, IGrainFactory grains)
    {
        var at = address.LastIndexOf(ReceivePolicyOperations.EntriesSuffix + "/", StringComparison.Ordinal);
        if (at <= 0) throw ProtocolException.NotFound("route", "DELETE /v1/agents/" + address);
        var agent = await AgentOperations.ResolveAsync(grains, ApiKeyAuthFilter.CallerOf(http), address[..at]);
        return TypedResults.Json(await ReceivePolicyOperations.ChangeOverrideAsync(grains, ApiKeyAuthFilter.CallerOf(http), agent, "remove",
            () => RequestBody.ReadAsync(http), address[(at + ReceivePolicyOperations.EntriesSuffix.Length + 1)..]));
    }

    public static async Task<IResult> Lease(HttpContext http, string address, IGrainFactory grains, DeliveryQueries deliveries, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyOperations.EntriesSuffix, StringComparison.Ordinal))
            return TypedResults.Json(await ReceivePolicyOperations.ChangeOverrideAsync(grains, caller,
                await AgentOperations.ResolveAsync(grains, caller, address[..^ReceivePolicyOperations.EntriesSuffix.Length]), "add",
                () => RequestBody.ReadAsync(http)));
        if (!address.EndsWith(LeaseSuffix, StringComparison.Ordinal)) throw ProtocolException.NotFound("route", "POST /v1/agents/" + address);
        var agent = await AgentOperations.ResolveAsync(grains, caller, address[..^LeaseSuffix.Length]);
        Mesh.MeshOperations.NotKilled(agent);
        var body = await RequestBody.ReadAsync(http);
        var max = body.Int("max", 1, 100) ?? 10;
        var lease = TimeSpan.FromSeconds(body.Int("lease_seconds", 1, 86400) ?? agent.LeaseSeconds);
        var leased = new List<LeasedDelivery>();
        var tried = new HashSet<Guid>();
        // A concurrent poller may take a candidate between the query and the grain call (the grain decides,
        // atomically); then look further instead of returning short.
        while (leased.Count < max)
        {
            var candidates = await deliveries.LeasableAsync(agent.Address, time.GetUtcNow(), max - leased.Count, tried, http.RequestAborted);
            if (candidates.Count == 0) break;
            foreach (var d in candidates)
            {
                tried.Add(d.IntentId);
                if (await grains.GetGrain<IIntentGrain>(d.IntentId).LeaseAsync(caller, lease, agent.MaxDeliveryAttempts) is not { } intent) continue;
                leased.Add(new LeasedDelivery
                {
                    DeliveryId = Grains.Interfaces.Delivery.DeliveryIds.ForIntent(intent.IntentId),
                    IntentId = intent.IntentId.ToString(),
                    Seq = d.Cursor,
                    DeliveryAttempt = intent.DeliveryAttempt,
                    LeaseExpiresAt = intent.LeaseUntil,
                    Intent = intent.ToWire(),
                });
            }
        }
        return TypedResults.Ok(new AgentLease { Deliveries = leased });
    }
}
