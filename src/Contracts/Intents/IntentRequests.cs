using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// POST /v1/intents (PROTOCOL §5.2). The node reads requests leniently (§13: what the official clients send), so this
/// record is what a client sends and what the API documents; members left null are not sent.
/// </summary>
public sealed record CreateIntentRequest
{
    /// <summary>The intent (semantic) type: dotted segments and a version, e.g. <c>invoice.approval.v1</c>.</summary>
    public required string IntentType { get; init; }
    /// <summary>The handler: <c>agent://org/workspace/name</c>, or a bare name in the key's workspace.</summary>
    public required string ToAgent { get; init; }
    /// <summary>The payload (a JSON object).</summary>
    public required JsonObject Payload { get; init; }
    /// <summary>The correlation id (a UUID; required by the official schema, though the node generates one when absent).</summary>
    public required string CorrelationId { get; init; }
    /// <summary>Deprecated: the node takes the sender from the key.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FromAgent { get; init; }
    /// <summary>Where the completion goes (an inbox owner).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReplyTo { get; init; }
    /// <summary>When the intent times out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeadlineAt { get; init; }
    /// <summary>Seconds before the first reminder of a waiting human task.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RemindAfterSeconds { get; init; }
    /// <summary>Seconds between reminders.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RemindIntervalSeconds { get; init; }
    /// <summary>How many reminders at most.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxReminders { get; init; }
    /// <summary>Who a waiting human task escalates to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EscalateTo { get; init; }
    /// <summary>How many delivery attempts at most.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxDeliveryAttempts { get; init; }
    /// <summary>A human task (PROTOCOL §7.2): the intent waits for a person.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? HumanTask { get; init; }
    /// <summary>An extension: a built-in step run by the runtime (e.g. <c>timer</c>), no agent needed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RuntimeType { get; init; }
    /// <summary>An extension: the built-in step's configuration.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? RuntimeConfig { get; init; }
}

/// <summary>POST /v1/intents/{id}/resolve (PROTOCOL §5.7): the terminal transition (also cancel).</summary>
public sealed record ResolveIntentRequest
{
    /// <summary>COMPLETED, FAILED or CANCELED.</summary>
    public required string Status { get; init; }
    /// <summary>The result (for COMPLETED).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Result { get; init; }
    /// <summary>The error (for FAILED).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Error { get; init; }
    /// <summary>Why (for CANCELED).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
    /// <summary>Who resolves it (an admin key acting for an agent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
    /// <summary>An extension: refuse unless the intent's policy generation is this one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpectedPolicyGeneration { get; init; }
}
