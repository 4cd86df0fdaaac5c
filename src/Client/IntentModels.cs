using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>An intent (PROTOCOL §5.1.5). <see cref="AxmeClient.SendIntentAsync"/> fills only id, status, created_at and correlation_id.</summary>
public sealed class Intent : AxmeModel
{
    /// <summary>The intent id (<c>intent_id</c>).</summary>
    [JsonPropertyName("intent_id")]
    public string Id { get; init; } = "";
    /// <summary>The lifecycle status (SUBMITTED … COMPLETED).</summary>
    public string Status { get; init; } = "";
    /// <summary>Why a WAITING intent waits.</summary>
    public string? WaitingReason { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>The sender's agent address.</summary>
    public string? FromAgent { get; init; }
    /// <summary>The handler's agent address.</summary>
    public string? ToAgent { get; init; }
    /// <summary>Where the completion goes.</summary>
    public string? ReplyTo { get; init; }
    /// <summary>The payload as sent.</summary>
    public JsonNode? Payload { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Its deadline.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }
    /// <summary>The human task, for a task intent.</summary>
    public JsonObject? HumanTask { get; init; }
    /// <summary>The built-in step type, if any.</summary>
    public string? RuntimeType { get; init; }
    /// <summary>Who answered its human task.</summary>
    public string? AnsweredBy { get; init; }
    /// <summary>Who it is pending with ({type, ref, name}).</summary>
    public JsonObject? PendingWith { get; init; }
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
    /// <summary>Its controls.</summary>
    public JsonObject? Controls { get; init; }
    /// <summary>The seq of its latest event.</summary>
    public long LastSeq { get; init; }
    /// <summary>Its organisation.</summary>
    public string? OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>True when the intent is COMPLETED, FAILED, CANCELED or TIMED_OUT.</summary>
    [JsonIgnore]
    public bool IsTerminal => IntentStatuses.IsTerminal(Status);
}

/// <summary>One event of an intent's history (PROTOCOL §5.1.6); seqs are 1, 2, 3, … per intent.</summary>
public sealed class IntentEvent : AxmeModel
{
    /// <summary>The intent's id.</summary>
    public string IntentId { get; init; } = "";
    /// <summary>The event's position in the intent's history.</summary>
    public long Seq { get; init; }
    /// <summary>intent.created, intent.delivered, intent.completed, …</summary>
    public string EventType { get; init; } = "";
    /// <summary>The intent's status after the event.</summary>
    public string Status { get; init; } = "";
    /// <summary>When it happened.</summary>
    public DateTimeOffset? At { get; init; }
    /// <summary>Why the intent waits, for a WAITING status.</summary>
    public string? WaitingReason { get; init; }
    /// <summary>Who caused it.</summary>
    public string? Actor { get; init; }
    /// <summary>The handler at the time.</summary>
    public string? Handler { get; init; }
    /// <summary>Event details (progress, result, task_result, …).</summary>
    public JsonObject? Details { get; init; }
    /// <summary>True when the stream left out bulky members (GET the intent for them).</summary>
    public bool Truncated { get; init; }
    /// <summary>True for an event that leaves the intent terminal.</summary>
    [JsonIgnore]
    public bool IsTerminal => IntentStatuses.IsTerminal(Status);
}

/// <summary>A page of <see cref="AxmeClient.ListIntentsAsync"/>.</summary>
public sealed class IntentPage : AxmeModel
{
    /// <summary>The intents of this page.</summary>
    public List<Intent> Intents { get; init; } = [];
    /// <summary>The cursor of the next page, null on the last one.</summary>
    public string? NextCursor { get; init; }
    /// <summary>True when another page follows.</summary>
    public bool HasMore { get; init; }
}

/// <summary>The answer to a write on an intent (resolve, resume, progress, controls, policy).</summary>
public sealed class IntentWriteResult : AxmeModel
{
    /// <summary>False when the write changed nothing (<see cref="Reason"/> says why).</summary>
    public bool Applied { get; init; }
    /// <summary>The intent's policy generation after the write.</summary>
    public long PolicyGeneration { get; init; }
    /// <summary>Why nothing was applied.</summary>
    public string? Reason { get; init; }
    /// <summary>The intent after the write (absent for controls and policy).</summary>
    public Intent? Intent { get; init; }
}

/// <summary>The answer of <see cref="AxmeClient.BulkCancelIntentsAsync"/>.</summary>
public sealed class BulkCancelResult : AxmeModel
{
    /// <summary>How many a dry run would cancel (0 for a real run).</summary>
    public int WouldCancel { get; init; }
    /// <summary>How many were canceled (0 for a dry run).</summary>
    public int Canceled { get; init; }
    /// <summary>The intents that would be (dry run) or were canceled.</summary>
    public List<string> IntentIds { get; init; } = [];
}

/// <summary>A delivery on an agent's stream (PROTOCOL §6.4): an intent handed to the agent, status DELIVERED.</summary>
public sealed class AgentDelivery : AxmeModel
{
    /// <summary>The intent to handle.</summary>
    public string IntentId { get; init; } = "";
    /// <summary>The stream cursor (not the intent's event seq); resume with <c>since</c> = the largest seen.</summary>
    public long Seq { get; init; }
    /// <summary>The delivery's id.</summary>
    public string? DeliveryId { get; init; }
    /// <summary>Which attempt this is (1 the first time).</summary>
    public int DeliveryAttempt { get; init; }
    /// <summary>intent.delivered.</summary>
    public string? EventType { get; init; }
    /// <summary>The intent's status (DELIVERED).</summary>
    public string? Status { get; init; }
    /// <summary>When it was handed out.</summary>
    public DateTimeOffset? At { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>The sender.</summary>
    public string? FromAgent { get; init; }
    /// <summary>The agent it is for.</summary>
    public string? ToAgent { get; init; }
    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>When the intent was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>The payload; null when it was too large to travel inline (GET the intent).</summary>
    public JsonNode? Payload { get; init; }
}
