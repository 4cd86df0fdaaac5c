using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>A wire object read into a typed shape; <see cref="Raw"/> keeps every field the node sent.</summary>
public abstract class AxmeModel
{
    /// <summary>The JSON object as received, including fields this type does not name.</summary>
    [JsonIgnore]
    public JsonObject Raw { get; internal set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    internal static T From<T>(JsonNode? node) where T : AxmeModel
    {
        if (node is not JsonObject o) throw new JsonException($"expected a JSON object for {typeof(T).Name}");
        var model = o.Deserialize<T>(Json) ?? throw new JsonException($"cannot read {typeof(T).Name}");
        model.Raw = o;
        return model;
    }

    internal static List<T> ListOf<T>(JsonNode? node) where T : AxmeModel =>
        node is JsonArray a ? [.. a.Select(From<T>)] : [];
}

/// <summary>Intent lifecycle statuses (PROTOCOL §5.1.1).</summary>
public static class IntentStatuses
{
    /// <summary>COMPLETED.</summary>
    public const string Completed = "COMPLETED";
    /// <summary>FAILED.</summary>
    public const string Failed = "FAILED";
    /// <summary>CANCELED.</summary>
    public const string Canceled = "CANCELED";
    /// <summary>TIMED_OUT.</summary>
    public const string TimedOut = "TIMED_OUT";
    /// <summary>WAITING (for a human, a timer or a step).</summary>
    public const string Waiting = "WAITING";

    /// <summary>True for the four statuses an intent never leaves.</summary>
    public static bool IsTerminal(string? status) => status is Completed or Failed or Canceled or TimedOut;
}

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

/// <summary>A pending human task (PROTOCOL §7.3).</summary>
public sealed class HumanTaskItem : AxmeModel
{
    /// <summary>The task's intent.</summary>
    public string IntentId { get; init; } = "";
    /// <summary>The approval id for <see cref="AxmeClient.DecideApprovalAsync"/> (the intent id).</summary>
    public string? ApprovalId { get; init; }
    /// <summary>The intent type.</summary>
    public string? IntentType { get; init; }
    /// <summary>WAITING.</summary>
    public string? Status { get; init; }
    /// <summary>Who asked.</summary>
    public string? FromAgent { get; init; }
    /// <summary>When it started waiting.</summary>
    public DateTimeOffset? AssignedAt { get; init; }
    /// <summary>Its deadline.</summary>
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>Who it waits for.</summary>
    public JsonObject? PendingWith { get; init; }
    /// <summary>The task (title, task_type, allowed_outcomes, …).</summary>
    public JsonObject? HumanTask { get; init; }
    /// <summary>The intent's payload.</summary>
    public JsonNode? Payload { get; init; }
}

/// <summary>A recorded approval decision (PROTOCOL §7.5).</summary>
public sealed class ApprovalDecision : AxmeModel
{
    /// <summary>The approval.</summary>
    public string ApprovalId { get; init; } = "";
    /// <summary>approve or reject.</summary>
    public string Decision { get; init; } = "";
    /// <summary>The comment given.</summary>
    public string? Comment { get; init; }
    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
    /// <summary>The task's intent.</summary>
    public string? IntentId { get; init; }
    /// <summary>The intent's status after the decision.</summary>
    public string? Status { get; init; }
}

/// <summary>A service account (PROTOCOL §6.2); each has an agent address.</summary>
public sealed class ServiceAccount : AxmeModel
{
    /// <summary>The account id (<c>service_account_id</c>).</summary>
    [JsonPropertyName("service_account_id")]
    public string Id { get; init; } = "";
    /// <summary>Its name (unique in the workspace).</summary>
    public string Name { get; init; } = "";
    /// <summary>Its display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Its description.</summary>
    public string? Description { get; init; }
    /// <summary>active or deleted.</summary>
    public string? Status { get; init; }
    /// <summary>Its agent address (agent://org/workspace/name).</summary>
    public string AgentAddress { get; init; } = "";
    /// <summary>service or human.</summary>
    public string? Kind { get; init; }
    /// <summary>True for an admin account, whose keys act in every workspace.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>Its organisation.</summary>
    public string? OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>Its keys (without tokens).</summary>
    public List<ApiKey> Keys { get; init; } = [];
}

/// <summary>The authenticated caller (GET /v1/whoami).</summary>
public sealed class WhoAmI : AxmeModel
{
    /// <summary>The caller's service account (or human user) id.</summary>
    public string ServiceAccountId { get; init; } = "";
    /// <summary>The key that authenticated the request, or <c>actor_token</c>.</summary>
    public string KeyId { get; init; } = "";
    /// <summary>The caller's organisation.</summary>
    public string OrgId { get; init; } = "";
    /// <summary>The caller's workspace.</summary>
    public string WorkspaceId { get; init; } = "";
    /// <summary>The caller's agent address.</summary>
    public string AgentAddress { get; init; } = "";
    /// <summary>An admin key: acts in every workspace.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>A human user's key or actor token.</summary>
    public bool IsHuman { get; init; }
    /// <summary>api_key or actor_token.</summary>
    public string? Credential { get; init; }
    /// <summary>The account itself with its keys, when the node has it.</summary>
    [JsonIgnore]
    public ServiceAccount? Account { get; internal set; }
}

/// <summary>An API key of a service account.</summary>
public sealed class ApiKey : AxmeModel
{
    /// <summary>The key's id.</summary>
    public string KeyId { get; init; } = "";
    /// <summary>Its account.</summary>
    public string? ServiceAccountId { get; init; }
    /// <summary>A recognisable fragment.</summary>
    public string? KeyHint { get; init; }
    /// <summary>active or revoked.</summary>
    public string? Status { get; init; }
    /// <summary>When it expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The secret token: only in the answer that created the key, never again.</summary>
    public string? Token { get; init; }
}

/// <summary>An agent of the directory (PROTOCOL §6.3).</summary>
public sealed class Agent : AxmeModel
{
    /// <summary>Its address.</summary>
    public string Address { get; init; } = "";
    /// <summary>Its service account.</summary>
    public string? ServiceAccountId { get; init; }
    /// <summary>Its display name.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Its status.</summary>
    public string? Status { get; init; }
    /// <summary>stream, poll, http, inbox or internal.</summary>
    public string? DeliveryMode { get; init; }
    /// <summary>The lease of a poll delivery.</summary>
    public int? LeaseSeconds { get; init; }
    /// <summary>Delivery attempts before an intent fails.</summary>
    public int? MaxDeliveryAttempts { get; init; }
    /// <summary>The http binding's URL.</summary>
    public string? WebhookUrl { get; init; }
    /// <summary>A fragment of the http binding's secret.</summary>
    public string? WebhookSecretHint { get; init; }
    /// <summary>A generated webhook secret: only in the answer that generated it.</summary>
    public string? WebhookSecret { get; init; }
    /// <summary>The internal binding's handler.</summary>
    public string? InternalHandler { get; init; }
}

/// <summary>A registered agent: its service account, its new key (with the token) and its agent entry.</summary>
/// <param name="Account">The service account.</param>
/// <param name="Key">The key created for it, with <see cref="ApiKey.Token"/>; null when no key was asked for.</param>
/// <param name="Agent">The agent entry, when a delivery binding was set at registration.</param>
public sealed record RegisteredAgent(ServiceAccount Account, ApiKey? Key, Agent? Agent);
