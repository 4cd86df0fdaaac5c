using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// What a handler receives for an intent: the agent stream's data message (PROTOCOL §6.4), which is
/// also the body of an http delivery (§6.5's recommendation), so a handler reads one shape.
/// </summary>
public static class DeliveryMessage
{
    /// <summary>Payloads above this travel by reference: the handler GETs the intent.</summary>
    public const int InlinePayloadLimit = 32 * 1024;

    /// <summary>The message for an intent; <c>seq</c> is the agent stream cursor, null for http deliveries (they have none).</summary>
    public static JsonObject Build(IntentRecord intent, long? seq, int attempt)
    {
        var m = new JsonObject
        {
            ["intent_id"] = intent.IntentId.ToString(),
            ["delivery_id"] = DeliveryIds.ForIntent(intent.IntentId),
            ["delivery_attempt"] = attempt,
            ["event_type"] = IntentEventType.Delivered,
            ["status"] = intent.Status,
            ["at"] = WireTime.Format(intent.UpdatedAt),
            ["intent_type"] = intent.IntentType,
            ["from_agent"] = intent.FromAgent,
            ["to_agent"] = intent.ToAgent,
            ["correlation_id"] = intent.CorrelationId,
            ["created_at"] = WireTime.Format(intent.CreatedAt),
        };
        if (seq is { } cursor) m.Insert(1, "seq", cursor);
        if (intent.PayloadJson.Length < InlinePayloadLimit) m["payload"] = JsonNode.Parse(intent.PayloadJson);
        return m;
    }
}
