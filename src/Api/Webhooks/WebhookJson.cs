using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Api.Webhooks;

/// <summary>Wire shapes of subscriptions, events and deliveries (PROTOCOL §9.1; deliveries are an extension).</summary>
public static class WebhookJson
{
    public static JsonObject Subscription(WebhookSubscription s) => new()
    {
        ["subscription_id"] = s.SubscriptionId.ToString(),
        ["owner_agent"] = s.OwnerAgent,
        ["callback_url"] = s.CallbackUrl,
        ["event_types"] = new JsonArray([.. s.EventTypes.Select(t => (JsonNode)t)]),
        ["active"] = s.IsLive,
        ["description"] = s.Description,
        ["created_at"] = Wire.Time(s.CreatedAt),
        ["updated_at"] = Wire.Time(s.UpdatedAt),
        ["revoked_at"] = Wire.Time(s.RevokedAt),
        ["secret_hint"] = s.SecretHint,
    };

    /// <summary>The publish/replay answer: the event and its delivery counters.</summary>
    public static JsonObject Event(WebhookEventRecord e)
    {
        var o = Wire.Ok(
            ("event_id", e.EventId), ("event_type", e.EventType), ("source", e.Source), ("owner_agent", e.OwnerAgent),
            ("accepted_at", Wire.Time(e.AcceptedAt)));
        var pending = e.Count(DeliveryStatus.Pending);
        o["queued_deliveries"] = e.Queued;
        o["processed_deliveries"] = e.Deliveries.Count - pending;
        o["delivered"] = e.Count(DeliveryStatus.Delivered);
        o["pending"] = pending;
        o["dead_lettered"] = e.Count(DeliveryStatus.DeadLettered);
        if (e.ReplayedAt is { } at) o["replayed_at"] = Wire.Time(at);
        return o;
    }

    public static JsonObject Delivery(DeliveryRecord d) => new()
    {
        ["delivery_id"] = d.DeliveryId,
        ["kind"] = d.Job.Kind,
        ["event_type"] = d.Job.EventType,
        ["status"] = d.Status,
        ["attempt_count"] = d.Attempts.Count,
        ["created_at"] = Wire.Time(d.CreatedAt),
        ["updated_at"] = Wire.Time(d.UpdatedAt),
        ["next_attempt_at"] = Wire.Time(d.NextAttemptAt),
        ["attempts"] = new JsonArray([.. d.Attempts.Select(a => (JsonNode)new JsonObject
        {
            ["attempt"] = a.Attempt,
            ["at"] = Wire.Time(a.At),
            ["url"] = a.Url,
            ["status_code"] = a.StatusCode,
            ["latency_ms"] = a.LatencyMs,
            ["error"] = a.Error,
        })]),
    };
}
