using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Api.Deliveries;

/// <summary>
/// Delivery records you can act on (PROTOCOL §12 "Deliveries", docs/adr/025), read from the intents they are: list,
/// one with every attempt, replay (a new delivery of the same payload to the same principal), submit, reconcile stuck
/// ones, and the workspace's counts. Shared by the REST routes, the CLI (through them) and the MCP tools.
/// </summary>
public sealed class DeliveryService(IGrainFactory grains, NewIntents fresh, IntentQueries queries, NpgsqlDataSource db, IOptions<ApiOptions> options, TimeProvider time)
{
    public const string SubmitType = "axme.delivery.v1";
    private const int MaxPagesPerList = 10;

    /// <summary><see cref="DeliveryRules.IsDelivery"/> over a row's stored intent (no human task, built-in step or scenario parent).</summary>
    private const string DeliveriesOnly = "NOT (doc::jsonb ? 'human_task_json' OR doc::jsonb ? 'runtime_type' OR doc::jsonb ? 'workflow')";

    /// <summary>GET /v1/deliveries[?principal_id&amp;status&amp;limit&amp;cursor].</summary>
    public async Task<DeliveryList> ListAsync(Caller caller, IQueryCollection query, CancellationToken ct)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var status = Query.String(query, "status");
        if (status is not null && !DeliveryRules.All.Contains(status))
            throw ProtocolException.Invalid("status", $"status must be one of {string.Join(", ", DeliveryRules.All)}");
        var limit = Query.Int(query, "limit", 1, 500) ?? 50;
        var toAgent = Query.String(query, "principal_id") is { } principal ? (await Routing.RoutingOperations.AccountAsync(grains, caller, principal)).AgentAddress : null;
        var found = new List<IntentRecord>();
        var cursor = Query.String(query, "cursor");
        // A delivery status is read from the intent (DeliveryRules.Status): pages of candidate intents, each no longer
        // than what is still missing (so nothing read is left out), are read until the page is full; the cursor is
        // the scan's, so a list that stops early (MaxPagesPerList) goes on where it stopped.
        for (var page = 0; page < MaxPagesPerList && found.Count < limit; page++)
        {
            var (intents, next) = await queries.ListAsync(new IntentFilter(org, ws, status is null ? null : DeliveryRules.IntentStatuses(status), toAgent,
                null, null, null, limit - found.Count, cursor), ct);
            found.AddRange(intents.Where(i => DeliveryRules.IsDelivery(i) && (status is null || DeliveryRules.Status(i) == status)));
            cursor = next;
            if (cursor is null) break;
        }
        var views = new Views(grains);
        return new DeliveryList { Deliveries = [.. await Task.WhenAll(found.Select(i => views.OfAsync(i)))], NextCursor = cursor };
    }

    /// <summary>GET /v1/deliveries/{id}: the delivery with every attempt.</summary>
    public async Task<DeliveryResponse> GetAsync(Caller caller, string deliveryId, CancellationToken ct)
    {
        var intent = await IntentAsync(caller, deliveryId);
        var view = await new Views(grains).OfAsync(intent);
        return new DeliveryResponse { Delivery = view with { Attempts = await AttemptsAsync(caller, intent) } };
    }

    /// <summary>
    /// POST /v1/deliveries/{id}/replay: a new delivery (a new intent: same type, payload and principal, replay_of_delivery_id
    /// the original) of a finished one; a delivery still in flight is refused (409), a terminal intent is never reopened.
    /// Idempotency-Key makes the replay idempotent.
    /// </summary>
    public async Task<DeliveryResponse> ReplayAsync(Caller caller, string deliveryId, string? idempotencyKey, CancellationToken ct)
    {
        var original = await IntentAsync(caller, deliveryId);
        if (!original.IsTerminal)
            throw ProtocolException.Conflict("delivery_in_flight",
                $"{deliveryId} is {DeliveryRules.Status(original)} ({original.Status}): a delivery is replayed once it has ended (cancel it first to replay it now)");
        var id = idempotencyKey is { } key ? DeterministicId.From($"{caller.ServiceAccountId}\nPOST /v1/deliveries/{deliveryId}/replay\n{key}") : Guid.NewGuid();
        var created = await grains.GetGrain<IIntentGrain>(id).CreateAsync(new CreateIntentCommand
        {
            Caller = caller, IntentType = original.IntentType, CorrelationId = original.CorrelationId, FromAgent = caller.AgentAddress,
            // To the alias again when it came through one: the replay goes where that name leads now.
            ToAgent = original.ViaAlias ?? original.ToAgent, PayloadJson = original.PayloadJson, MaxDeliveryAttempts = original.MaxDeliveryAttempts,
            ReplayOfDeliveryId = deliveryId, RequestHash = $"replay:{deliveryId}",
        });
        return new DeliveryResponse { Delivery = await new Views(grains).OfAsync(created.Intent) };
    }

    /// <summary>POST /v1/deliveries: a payload to an alias or a principal, as an intent of type axme.delivery.v1.</summary>
    public async Task<DeliveryResponse> SubmitAsync(Caller caller, RequestBody body, string? idempotencyKey, CancellationToken ct)
    {
        var (org, ws) = Query.Workspace(body, caller);
        var alias = body.String("alias", 255);
        var principal = body.String("principal_id", 64);
        if (alias is null == principal is null) throw ProtocolException.Invalid("alias", "one of alias or principal_id is required", "missing_field");
        if (body.Object("payload", required: true) is null) throw ProtocolException.Invalid("payload", "payload is required", "missing_field");
        var to = alias is not null ? AgentAddress.ForServiceAccount(org, ws, alias) : (await Routing.RoutingOperations.AccountAsync(grains, caller, principal!)).AgentAddress;
        var intentBody = new JsonObject
        {
            ["intent_type"] = SubmitType, ["to_agent"] = to, ["payload"] = body.Root["payload"]!.DeepClone(), ["correlation_id"] = body.String("correlation_id", 255),
        };
        var created = await IntentOperations.CreateAsync(grains, fresh, caller, new RequestBody(intentBody), idempotencyKey ?? body.String("idempotency_key", 255));
        return await GetAsync(caller, DeliveryRules.IdOf(Guid.Parse(created.IntentId)), ct);
    }

    /// <summary>
    /// POST /v1/deliveries/reconcile: deliveries never handed out for longer than max_pending_age_seconds are dead-lettered
    /// (their intents fail with delivery_failed and the reason). delivered is refused: the node does not claim a hand-out
    /// it did not make.
    /// </summary>
    public async Task<DeliveryReconciled> ReconcileAsync(Caller caller, RequestBody body, CancellationToken ct)
    {
        // It fails other senders' intents: an operator's (admin key's) act, as the runtime, in the caller's name.
        if (!caller.IsAdmin) throw new ProtocolException(403, "admin_required", "only an admin key may reconcile deliveries");
        var (org, ws) = Query.Workspace(body, caller, workspaceOptional: true);
        var age = body.Int("max_pending_age_seconds", 0, 86400) ?? 300;
        var limit = body.Int("limit", 1, 5000) ?? 500;
        var target = body.String("target_status", 32) ?? DeliveryRules.DeadLettered;
        if (target != DeliveryRules.DeadLettered)
            throw ProtocolException.Invalid("target_status", "only dead_lettered: the node marks delivered only what it handed out", "invalid_target_status");
        var reason = body.String("reason", 500) ?? $"reconciled: not handed out within {age} s";
        var stale = await SubmittedBeforeAsync(org, ws, time.GetUtcNow() - TimeSpan.FromSeconds(age), limit, ct);
        var done = new List<string>();
        foreach (var id in stale)
        {
            var grain = grains.GetGrain<IIntentGrain>(id);
            var result = await grain.ResolveAsync(Caller.System, new ResolveCommand
            {
                Status = IntentStatus.Failed,
                ErrorJson = new JsonObject { ["code"] = "delivery_failed", ["message"] = reason }.ToJsonString(),
                Reason = reason, Actor = caller.AgentAddress,
            }, null);
            if (result.Applied) done.Add(DeliveryRules.IdOf(id));
        }
        return new DeliveryReconciled { Reconciled = done.Count, DeliveryIds = done, TargetStatus = target, MaxPendingAgeSeconds = age };
    }

    /// <summary>GET /v1/deliveries-operations[?window_hours]: the workspace's deliveries changed in the window, by status.</summary>
    public async Task<DeliveryOperationsSummary> OperationsAsync(Caller caller, IQueryCollection query, CancellationToken ct)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var hours = Query.Int(query, "window_hours", 1, 720) ?? 24;
        var now = time.GetUtcNow();
        // The same rule as DeliveryRules.Status, in SQL over the rows' stored intents (deliveries only).
        await using var cmd = db.CreateCommand($"""
            WITH d AS (
                SELECT status, created_at, (doc::jsonb ->> 'delivery_attempt')::int AS attempts,
                       CASE WHEN status = 'FAILED' AND doc::jsonb ? 'error_json' THEN ((doc::jsonb ->> 'error_json')::jsonb ->> 'code') END AS error_code
                FROM axme_intents
                WHERE axme_scope(service_id, org_id, workspace_id) = axme_scope(@service, @org, @ws)
                  AND service_id = @service AND org_id = @org AND workspace_id = @ws AND updated_at >= @since
                  AND {DeliveriesOnly})
            SELECT CASE
                     WHEN status IN ('CREATED', 'SUBMITTED') THEN CASE WHEN coalesce(attempts, 0) > 0 THEN 'pending' ELSE 'submitted' END
                     WHEN error_code = 'delivery_failed' THEN 'dead_lettered'
                     WHEN status IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT') AND coalesce(attempts, 0) = 0 THEN 'failed'
                     ELSE 'delivered' END AS delivery_status,
                   count(*), min(created_at) FILTER (WHERE status IN ('CREATED', 'SUBMITTED'))
            FROM d GROUP BY 1
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", org);
        cmd.Parameters.AddWithValue("ws", ws);
        cmd.Parameters.AddWithValue("since", now - TimeSpan.FromHours(hours));
        var counts = DeliveryRules.All.ToDictionary(s => s, _ => 0L);
        DateTimeOffset? oldest = null;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
                if (!reader.IsDBNull(2) && reader.GetFieldValue<DateTimeOffset>(2) is var at && (oldest is null || at < oldest)) oldest = at;
            }
        return new DeliveryOperationsSummary
        {
            OrgId = org, WorkspaceId = ws, WindowHours = hours, Counts = counts, Total = counts.Values.Sum(), OldestSubmittedAt = oldest, GeneratedAt = now,
        };
    }

    private async Task<IReadOnlyList<Guid>> SubmittedBeforeAsync(string org, string ws, DateTimeOffset before, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT intent_id FROM axme_intents
            WHERE status = 'SUBMITTED' AND updated_at < @before
              AND service_id = @service AND org_id = @org AND workspace_id = @ws
              AND {DeliveriesOnly}
            ORDER BY updated_at LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", org);
        cmd.Parameters.AddWithValue("ws", ws);
        cmd.Parameters.AddWithValue("before", before);
        cmd.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>Every attempt: a pushed delivery's own record (each POST, thread or handler run), else each hand-out event.</summary>
    private async Task<IReadOnlyList<DeliveryAttemptView>> AttemptsAsync(Caller caller, IntentRecord intent)
    {
        if (await grains.GetGrain<IDeliveryGrain>(DeliveryRules.IdOf(intent.IntentId)).GetAsync() is { } pushed)
            return [.. pushed.Attempts.Select(a => new DeliveryAttemptView { Attempt = a.Attempt, At = a.At, Target = a.Url, StatusCode = a.StatusCode, Error = a.Error })];
        var events = await grains.GetGrain<IIntentGrain>(intent.IntentId).GetEventsAsync(caller, 0);
        return [.. events.Where(e => e.EventType == IntentEventType.Delivered)
            .Select((e, n) => new DeliveryAttemptView { Attempt = n + 1, At = e.At, Target = e.Handler ?? intent.ToAgent })];
    }

    private async Task<IntentRecord> IntentAsync(Caller caller, string deliveryId)
    {
        if (DeliveryRules.IntentOf(deliveryId) is not { } id) throw ProtocolException.NotFound("delivery", deliveryId);
        IntentRecord intent;
        try
        {
            intent = await grains.GetGrain<IIntentGrain>(id).GetAsync(caller);
        }
        catch (ProtocolException e) when (e.Status is 403 or 404)
        {
            throw ProtocolException.NotFound("delivery", deliveryId);
        }
        return DeliveryRules.IsDelivery(intent) ? intent : throw ProtocolException.NotFound("delivery", deliveryId);
    }

    /// <summary>Wire views of intents as deliveries, looking each principal's agent up once.</summary>
    private sealed class Views(IGrainFactory grains)
    {
        private readonly Dictionary<string, Task<AgentRecord?>> _agents = new(StringComparer.Ordinal);

        public async Task<Delivery> OfAsync(IntentRecord i)
        {
            if (!_agents.TryGetValue(i.ToAgent, out var lookup)) _agents[i.ToAgent] = lookup = grains.GetGrain<IAgentGrain>(i.ToAgent).GetAsync();
            var agent = await lookup;
            return new Delivery
            {
                DeliveryId = DeliveryRules.IdOf(i.IntentId), ReplayOfDeliveryId = i.ReplayOfDeliveryId, OrgId = i.OrgId, WorkspaceId = i.WorkspaceId,
                PrincipalId = agent?.ServiceAccountId ?? i.ToAgent, Alias = i.ViaAlias is { } via ? via[(via.LastIndexOf('/') + 1)..] : null,
                TransportType = agent?.DeliveryMode == DeliveryModes.Http ? "http" : "queue",
                RouteId = agent is null ? "route_none" : Routing.RouteOperations.RoutePrefix + agent.ServiceAccountId,
                Status = DeliveryRules.Status(i), CorrelationId = i.CorrelationId, IdempotencyKey = null,
                Payload = JsonNode.Parse(i.PayloadJson) as JsonObject ?? [], ErrorDetail = DeliveryRules.ErrorDetail(i),
                CreatedAt = i.CreatedAt, UpdatedAt = i.UpdatedAt, IntentId = i.IntentId.ToString(), IntentStatus = i.Status, DeliveryAttempts = i.DeliveryAttempt,
            };
        }
    }
}
