using Axme.Api.Accounts;
using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Webhooks;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

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
        g.MapGet("", List).WithSummary("List a workspace's agents");
        // Addresses arrive unescaped with their agent:// prefix removed, so the route must be catch-all.
        g.MapGet("/{**address}", GetOrStream).WithSummary("Get an agent, or (…/intents/stream) listen for its deliveries over SSE");
        g.MapPut("/{**address}", Configure).WithSummary("…/delivery: set the agent's delivery binding (stream, poll, http with webhook_url and webhook_secret, inbox, internal with internal_handler) and its lease and attempt limits");
        g.MapPost("/{**address}", Lease).WithSummary("…/intents/lease: a poller leases up to max deliveries; …/receive-override/entries: allow a sender pattern");
        g.MapDelete("/{**address}", RemoveOverrideEntry).WithSummary("…/receive-override/entries/{entry_id}: remove an allowed sender pattern");
        return v1;
    }

    public static async Task<IResult> List(HttpContext http, IGrainFactory grains) =>
        TypedResults.Json(await ListAsync(grains, ApiKeyAuthFilter.CallerOf(http), http.Request.Query));

    /// <summary>The directory for a caller and its parameters (query string, or an MCP tool's arguments).</summary>
    public static async Task<JsonObject> ListAsync(IGrainFactory grains, Caller caller, IQueryCollection query)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var (limit, cursor) = Accounts.WorkspaceDirectory.Paging(query);
        // Human users are service accounts too (docs/adr/009), but not agents of the directory.
        var page = await Accounts.WorkspaceDirectory.PageAsync(grains, org, ws, a => !a.IsHuman, cursor, limit);
        var agents = await Task.WhenAll(page.Accounts.Select(a => grains.GetGrain<IAgentGrain>(a.AgentAddress).GetAsync()));
        var list = new JsonArray([.. agents.OfType<AgentRecord>().Select(a => (JsonNode)AgentJson.Agent(a))]);
        return Wire.Ok(("agents", list), ("next_cursor", page.NextCursor), ("has_more", page.NextCursor is not null));
    }

    public static async Task GetOrStream(HttpContext http, string address, IGrainFactory grains, DeliveryQueries deliveries, StreamSlots slots)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyEndpoints.OverrideSuffix, StringComparison.Ordinal))
        {
            var target = await ResolveAsync(grains, caller, address[..^ReceivePolicyEndpoints.OverrideSuffix.Length]);
            await TypedResults.Json(await ReceivePolicyEndpoints.GetOverrideAsync(grains, target)).ExecuteAsync(http);
            return;
        }
        var stream = address.EndsWith(StreamSuffix, StringComparison.Ordinal);
        var agent = await ResolveAsync(grains, caller, stream ? address[..^StreamSuffix.Length] : address);
        if (stream)
        {
            using var slot = slots.Enter(caller, StreamSlots.Agent);
            await AgentStream.RunAsync(http, caller, agent, grains, deliveries);
            return;
        }
        await TypedResults.Json(Wire.Ok(("agent", AgentJson.Agent(agent)))).ExecuteAsync(http);
    }

    public static async Task<IResult> Configure(HttpContext http, string address, IGrainFactory grains, WebhookSecrets secrets, DeliveryQueries deliveries)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyEndpoints.OverrideSuffix, StringComparison.Ordinal))
            return TypedResults.Json(await ReceivePolicyEndpoints.ChangeOverrideAsync(http, grains,
                await ResolveAsync(grains, caller, address[..^ReceivePolicyEndpoints.OverrideSuffix.Length]), "set"));
        if (!address.EndsWith(DeliverySuffix, StringComparison.Ordinal)) throw ProtocolException.NotFound("route", "PUT /v1/agents/" + address);
        var agent = await ResolveAsync(grains, caller, address[..^DeliverySuffix.Length]);
        await Accounts.AccountAccess.MustManageAgentAsync(grains, caller, agent, "change its delivery binding");
        var body = await RequestBody.ReadAsync(http);
        var (updated, generatedSecret) = await DeliveryRequest.Read(body, secrets).ApplyAsync(grains, secrets, agent);
        await RedispatchWaitingAsync(grains, deliveries, updated, http.RequestAborted);
        var json = AgentJson.Agent(updated);
        if (generatedSecret is not null) json["webhook_secret"] = generatedSecret; // shown once, never again
        return TypedResults.Json(Wire.Ok(("agent", json)));
    }

    /// <summary>
    /// Hands the intents that waited for a push-bound agent (sent before it had its binding, or while it was
    /// stream or poll and nobody listened) to the binding now.
    /// </summary>
    public static async Task RedispatchWaitingAsync(IGrainFactory grains, DeliveryQueries deliveries, AgentRecord agent, CancellationToken ct)
    {
        if (Grains.Interfaces.Delivery.DeliveryKinds.ForBinding(agent.DeliveryMode) is null) return;
        for (long after = -1; ;)
        {
            var pending = await deliveries.SubmittedAsync(agent.Address, after, ct);
            if (pending.Count == 0) break;
            await grains.GetGrain<IAgentGrain>(agent.Address).RedispatchAsync([.. pending.Select(d => d.IntentId)]);
            after = pending[^1].Cursor;
        }
    }

    /// <summary>
    /// The delivery fields of a body (delivery_mode, lease_seconds, max_delivery_attempts, webhook_url,
    /// webhook_secret), validated before anything is written.
    /// </summary>
    public sealed record DeliveryRequest(string? Mode, int? LeaseSeconds, int? MaxDeliveryAttempts, string? WebhookUrl, string? WebhookSecret, string? InternalHandler)
    {
        public static readonly string[] Fields = ["delivery_mode", "lease_seconds", "max_delivery_attempts", "webhook_url", "webhook_secret", "internal_handler"];

        public static DeliveryRequest Read(RequestBody body, WebhookSecrets secrets)
        {
            var mode = body.String("delivery_mode", 32);
            if (mode is not null && !DeliveryModes.All.Contains(mode))
                throw ProtocolException.Invalid("delivery_mode", $"delivery_mode must be one of {string.Join(", ", DeliveryModes.All)}", "unsupported_delivery_mode");
            return new DeliveryRequest(mode, body.Int("lease_seconds", 1, 86400), body.Int("max_delivery_attempts", 1, 1000),
                secrets.Url(body, "webhook_url"), WebhookSecrets.Read(body, "webhook_secret"), body.String("internal_handler", 120));
        }

        /// <summary>Applies it to an agent; returns the agent and the secret generated for it, if one was.</summary>
        public async Task<(AgentRecord Agent, string? GeneratedSecret)> ApplyAsync(IGrainFactory grains, WebhookSecrets secrets, AgentRecord agent)
        {
            var http = (Mode ?? agent.DeliveryMode) == DeliveryModes.Http;
            if (http && WebhookUrl is null && agent.WebhookUrl is null)
                throw ProtocolException.Invalid("webhook_url", "the http binding needs a webhook_url");
            var generated = WebhookSecret is null && http && agent.ProtectedWebhookSecret is null ? WebhookSecrets.Generate() : null;
            var secret = WebhookSecret ?? generated;
            var protectedSecret = secret is null ? ((string, string)?)null : secrets.Protect(secret);
            var updated = await grains.GetGrain<IAgentGrain>(agent.Address).ConfigureAsync(new DeliverySettings
            {
                DeliveryMode = Mode, LeaseSeconds = LeaseSeconds, MaxDeliveryAttempts = MaxDeliveryAttempts, WebhookUrl = WebhookUrl,
                ProtectedWebhookSecret = protectedSecret?.Item1, WebhookSecretHint = protectedSecret?.Item2, InternalHandler = InternalHandler,
            });
            return (updated, generated);
        }
    }

    public static async Task<IResult> RemoveOverrideEntry(HttpContext http, string address, IGrainFactory grains)
    {
        var at = address.LastIndexOf(ReceivePolicyEndpoints.EntriesSuffix + "/", StringComparison.Ordinal);
        if (at <= 0) throw ProtocolException.NotFound("route", "DELETE /v1/agents/" + address);
        var agent = await ResolveAsync(grains, ApiKeyAuthFilter.CallerOf(http), address[..at]);
        return TypedResults.Json(await ReceivePolicyEndpoints.ChangeOverrideAsync(http, grains, agent, "remove",
            address[(at + ReceivePolicyEndpoints.EntriesSuffix.Length + 1)..]));
    }

    public static async Task<IResult> Lease(HttpContext http, string address, IGrainFactory grains, DeliveryQueries deliveries, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        if (address.EndsWith(ReceivePolicyEndpoints.EntriesSuffix, StringComparison.Ordinal))
            return TypedResults.Json(await ReceivePolicyEndpoints.ChangeOverrideAsync(http, grains,
                await ResolveAsync(grains, caller, address[..^ReceivePolicyEndpoints.EntriesSuffix.Length]), "add"));
        if (!address.EndsWith(LeaseSuffix, StringComparison.Ordinal)) throw ProtocolException.NotFound("route", "POST /v1/agents/" + address);
        var agent = await ResolveAsync(grains, caller, address[..^LeaseSuffix.Length]);
        var body = await RequestBody.ReadAsync(http);
        var max = body.Int("max", 1, 100) ?? 10;
        var lease = TimeSpan.FromSeconds(body.Int("lease_seconds", 1, 86400) ?? agent.LeaseSeconds);
        var leased = new JsonArray();
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
                leased.Add(new JsonObject
                {
                    ["delivery_id"] = Grains.Interfaces.Delivery.DeliveryIds.ForIntent(intent.IntentId),
                    ["intent_id"] = intent.IntentId.ToString(),
                    ["seq"] = d.Cursor,
                    ["delivery_attempt"] = intent.DeliveryAttempt,
                    ["lease_expires_at"] = Wire.Time(intent.LeaseUntil),
                    ["intent"] = Intents.IntentJson.Intent(intent),
                });
            }
        }
        return TypedResults.Json(Wire.Ok(("deliveries", leased)));
    }

    /// <summary>The live agent a path names (bare name inside the caller's workspace), or 404/403.</summary>
    public static async Task<AgentRecord> ResolveAsync(IGrainFactory grains, Caller caller, string raw)
    {
        // Some HTTP stacks collapse "agent://" in a path to "agent:/".
        if (raw.StartsWith("agent:/", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("agent://", StringComparison.OrdinalIgnoreCase))
            raw = "agent://" + raw["agent:/".Length..];
        if (raw.Trim('/').Length == 0) throw ProtocolException.Invalid("address", "agent address is empty", "invalid_agent_address");
        var canonical = AgentAddress.Canonical(raw, caller);
        // Names are guessable: another workspace's address is refused before it is looked up, so a 403 or 404
        // never tells whether an agent of that name exists there (ADR 017 §9).
        if (canonical[AgentAddress.Scheme.Length..].Split('/') is [var org, var ws, _] && !caller.CanAccess(org, ws))
            throw ProtocolException.Forbidden("agent belongs to another workspace");
        var agent = await grains.GetGrain<IAgentGrain>(canonical).GetAsync()
            ?? throw ProtocolException.NotFound("agent", canonical);
        return caller.CanAccess(agent.OrgId, agent.WorkspaceId) ? agent : throw ProtocolException.Forbidden("agent belongs to another workspace");
    }
}
