using System.Text.Json.Nodes;
using Axme.Contracts;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// What a handler receives for an intent (<see cref="AgentDelivery"/>): the agent stream's data message (PROTOCOL §6.4),
/// which is also the body of an http delivery (§6.5's recommendation), so a handler reads one shape.
/// </summary>
public static class DeliveryMessage
{
    /// <summary>The message for an intent; <c>seq</c> is the agent stream cursor, null for http deliveries (they have none).</summary>
    public static AgentDelivery Build(IntentRecord intent, long? seq, int attempt) => new()
    {
        IntentId = intent.IntentId.ToString(),
        Seq = seq,
        DeliveryId = DeliveryIds.ForIntent(intent.IntentId),
        DeliveryAttempt = attempt,
        EventType = IntentEventType.Delivered,
        Status = intent.Status,
        At = intent.UpdatedAt,
        IntentType = intent.IntentType,
        FromAgent = intent.FromAgent,
        ToAgent = intent.ToAgent,
        CorrelationId = intent.CorrelationId,
        CreatedAt = intent.CreatedAt,
        Payload = intent.PayloadJson.Length < AgentDelivery.InlinePayloadLimit ? JsonNode.Parse(intent.PayloadJson)?.AsObject() : null,
    };
}
