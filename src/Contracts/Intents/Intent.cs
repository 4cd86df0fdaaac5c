using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// The intent object (PROTOCOL §5.1.6) as GET /v1/intents/{id} returns it and every write embeds it. Members the
/// protocol's schemas require are <c>required</c> here; the node writes every member, null when it has no value.
/// </summary>
public sealed record Intent
{
    /// <summary>The intent's id (a UUID).</summary>
    public required string IntentId { get; init; }
    /// <summary>The lifecycle status: CREATED, SUBMITTED, DELIVERED, ACKNOWLEDGED, IN_PROGRESS, WAITING, COMPLETED, FAILED, CANCELED or TIMED_OUT.</summary>
    public required string Status { get; init; }
    /// <summary>The same value as status: the CLI and the examples read only this one (PROTOCOL §5.1.6).</summary>
    public string? LifecycleStatus { get; init; }
    /// <summary>Why a WAITING intent waits (WAITING_FOR_HUMAN, _TOOL, _AGENT, _TIME).</summary>
    public string? WaitingReason { get; init; }
    /// <summary>The same value as waiting_reason (<c>axme trace</c> reads this one).</summary>
    public string? LifecycleWaitingReason { get; init; }
    /// <summary>The intent (semantic) type, e.g. <c>invoice.approval.v1</c>.</summary>
    public required string IntentType { get; init; }
    /// <summary>The correlation id.</summary>
    public required string CorrelationId { get; init; }
    /// <summary>The sender's agent address.</summary>
    public required string FromAgent { get; init; }
    /// <summary>The handler's agent address.</summary>
    public required string ToAgent { get; init; }
    /// <summary>Where the completion goes (an inbox owner).</summary>
    public string? ReplyTo { get; init; }
    /// <summary>The payload as sent (a JSON object).</summary>
    public required JsonObject? Payload { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Its deadline, as given.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }
    /// <summary>The deadline in force (deadline_at, a timeout control or the policy's ttl, whichever comes first).</summary>
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>Seconds before the first reminder of a waiting human task.</summary>
    public int? RemindAfterSeconds { get; init; }
    /// <summary>Seconds between reminders.</summary>
    public int? RemindIntervalSeconds { get; init; }
    /// <summary>How many reminders at most.</summary>
    public int? MaxReminders { get; init; }
    /// <summary>How many reminders were sent.</summary>
    public int RemindCount { get; init; }
    /// <summary>Who a waiting human task escalates to.</summary>
    public string? EscalateTo { get; init; }
    /// <summary>How many delivery attempts at most.</summary>
    public int? MaxDeliveryAttempts { get; init; }
    /// <summary>The current delivery attempt (0 before the first).</summary>
    public int DeliveryAttempt { get; init; }
    /// <summary>The human task of a task intent (PROTOCOL §7.2).</summary>
    public JsonObject? HumanTask { get; init; }
    /// <summary>The built-in step type run by the runtime, if any.</summary>
    public string? RuntimeType { get; init; }
    /// <summary>The built-in step's configuration.</summary>
    public JsonObject? RuntimeConfig { get; init; }
    /// <summary>When a step waiting for time fires.</summary>
    public DateTimeOffset? WakeAt { get; init; }
    /// <summary>Who answered its human task.</summary>
    public string? AnsweredBy { get; init; }
    /// <summary>Who holds it now.</summary>
    public PendingWith? PendingWith { get; init; }
    /// <summary>The handler agent currently holding it.</summary>
    public string? Handler { get; init; }
    /// <summary>The result of a COMPLETED intent.</summary>
    public JsonNode? Result { get; init; }
    /// <summary>The error of a FAILED intent.</summary>
    public JsonNode? Error { get; init; }
    /// <summary>The reason given with the last transition.</summary>
    public string? Reason { get; init; }
    /// <summary>The compare-and-set generation of controls and policy.</summary>
    public long PolicyGeneration { get; init; }
    /// <summary>Its controls (e.g. timeout_seconds).</summary>
    public JsonObject? Controls { get; init; }
    /// <summary>Its policy: envelope and grants.</summary>
    public IntentPolicy? Policy { get; init; }
    /// <summary>The seq of its latest event.</summary>
    public int LastSeq { get; init; }
    /// <summary>Its organisation.</summary>
    public string? OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public string? WorkspaceId { get; init; }

    /// <summary>Members this version of the contract does not name (a newer node's), kept so a client loses nothing it was sent.</summary>
    [JsonExtensionData]
    public JsonObject? Extensions { get; set; }

    /// <summary>True when the intent is COMPLETED, FAILED, CANCELED or TIMED_OUT.</summary>
    [JsonIgnore]
    public bool IsTerminal => IntentStatus.IsTerminal(Status);
}

/// <summary>Who an intent or task is pending with (PROTOCOL §5.1.5): <c>type</c> is agent, human or internal.</summary>
public sealed record PendingWith
{
    /// <summary>agent, human or internal.</summary>
    public required string Type { get; init; }
    /// <summary>The holder's reference (an agent address, a role, a user).</summary>
    public required string Ref { get; init; }
    /// <summary>The holder's display name.</summary>
    public string? Name { get; init; }
}

/// <summary>An intent's policy (POST /v1/intents/{id}/policy): its envelope and grants.</summary>
public sealed record IntentPolicy
{
    /// <summary>The envelope (ttl_seconds, expires_at, …).</summary>
    public JsonObject? Envelope { get; init; }
    /// <summary>The grants.</summary>
    public JsonObject? Grants { get; init; }
}
