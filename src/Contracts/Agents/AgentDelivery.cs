using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// What a handler receives for an intent: the data of an agent stream message (PROTOCOL §6.4), which is also the body
/// of an http delivery (§6.5's recommendation), so a handler reads one shape.
/// </summary>
public sealed record AgentDelivery
{
    /// <summary>Payloads of this many bytes or more travel by reference: the handler GETs the intent.</summary>
    public const int InlinePayloadLimit = 32 * 1024;

    /// <summary>The intent to handle.</summary>
    public required string IntentId { get; init; }
    /// <summary>The agent stream's cursor (not the intent's event seq); absent in an http delivery.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seq { get; init; }
    /// <summary>The delivery's id (one per intent; attempts share it).</summary>
    public required string DeliveryId { get; init; }
    /// <summary>Which attempt this is (1 the first time).</summary>
    public int DeliveryAttempt { get; init; }
    /// <summary>intent.delivered.</summary>
    public required string EventType { get; init; }
    /// <summary>The intent's status.</summary>
    public required string Status { get; init; }
    /// <summary>When it was handed out.</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>The intent type.</summary>
    public required string IntentType { get; init; }
    /// <summary>The sender.</summary>
    public string? FromAgent { get; init; }
    /// <summary>The agent it is for.</summary>
    public string? ToAgent { get; init; }
    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>When the intent was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The payload; absent when it was too large to travel inline (GET the intent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Payload { get; init; }
    /// <summary>Members this version of the contract does not name (a newer node's), kept so a client loses nothing it was sent.</summary>
    [JsonExtensionData]
    public JsonObject? Extensions { get; set; }
}

/// <summary>POST /v1/agents/{address}/intents/lease (the poll binding, PROTOCOL §6.5): deliveries leased to this poller.</summary>
public sealed record AgentLease
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The leased deliveries (at most the request's max).</summary>
    public IReadOnlyList<LeasedDelivery> Deliveries { get; init; } = [];
}

/// <summary>One leased delivery: no other poller gets it until the lease expires.</summary>
public sealed record LeasedDelivery
{
    /// <summary>The delivery's id.</summary>
    public required string DeliveryId { get; init; }
    /// <summary>The intent to handle.</summary>
    public required string IntentId { get; init; }
    /// <summary>The agent's delivery cursor.</summary>
    public long Seq { get; init; }
    /// <summary>Which attempt this is.</summary>
    public int DeliveryAttempt { get; init; }
    /// <summary>When the lease ends (then another poll may take it).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    /// <summary>The intent.</summary>
    public required Intent Intent { get; init; }
}
