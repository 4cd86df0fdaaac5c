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
