using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

// The request records of the writes besides intent create/resolve, approval decisions and webhooks. The node reads
// every body leniently through its RequestBody (PROTOCOL §13, with 4xx errors naming the field); these records are what
// a client sends and what the OpenAPI document describes. Members left null are not sent.

/// <summary>POST /v1/intents/{id}/progress (an extension): the handler reports progress.</summary>
public sealed record ProgressRequest
{
    /// <summary>What is happening, up to 2,000 characters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
    /// <summary>0 to 100.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Percent { get; init; }
    /// <summary>Anything else to record.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Details { get; init; }
}

/// <summary>POST /v1/intents/{id}/controls (PROTOCOL §5.9): a shallow patch of the controls, compare-and-set.</summary>
public sealed record ControlsPatchRequest
{
    /// <summary>Keys to set (null removes one), e.g. timeout_seconds.</summary>
    public required JsonObject ControlsPatch { get; init; }
    /// <summary>Refuse unless the policy generation is this one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpectedPolicyGeneration { get; init; }
    /// <summary>Why.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
    /// <summary>Acting for (admin keys).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}

/// <summary>POST /v1/intents/{id}/policy (PROTOCOL §5.10): patches of the grants and the envelope, compare-and-set.</summary>
public sealed record PolicyPatchRequest
{
    /// <summary>Grants to set (null removes one).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? GrantsPatch { get; init; }
    /// <summary>Envelope members to set (ttl_seconds, expires_at, …).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? EnvelopePatch { get; init; }
    /// <summary>Refuse unless the policy generation is this one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpectedPolicyGeneration { get; init; }
    /// <summary>Why.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
    /// <summary>Acting for (admin keys).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }
}

/// <summary>POST /v1/intents/bulk-cancel (PROTOCOL §5.11).</summary>
public sealed record BulkCancelRequest
{
    /// <summary>Only intents not updated for this many hours (default 24).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? OlderThanHours { get; init; }
    /// <summary>Only list them (default false).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DryRun { get; init; }
    /// <summary>Non-terminal statuses to consider (default all).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? StatusFilter { get; init; }
    /// <summary>At most this many (default 500).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }
    /// <summary>The reason recorded on each.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary>
/// POST /v1/service-accounts (PROTOCOL §6.2): the account, and the agent's delivery binding when set at registration
/// (an extension, ADR 005: the members of <see cref="AgentDeliveryRequest"/>).
/// </summary>
public sealed record CreateServiceAccountRequest : AgentDeliveryRequest
{
    /// <summary>A create without a delivery binding.</summary>
    public CreateServiceAccountRequest() { }

    /// <summary>A create that sets the agent's delivery binding to <paramref name="delivery"/>'s members.</summary>
    /// <param name="delivery">The binding.</param>
    public CreateServiceAccountRequest(AgentDeliveryRequest delivery) : base(delivery) { }

    /// <summary>Its name; the agent's name is its slug.</summary>
    public required string Name { get; init; }
    /// <summary>A name for people.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DisplayName { get; init; }
    /// <summary>What it is for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
    /// <summary>Another organisation (admin keys).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrgId { get; init; }
    /// <summary>Another workspace (admin keys).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WorkspaceId { get; init; }
}

/// <summary>POST …/keys: a new key, optionally expiring.</summary>
public sealed record CreateKeyRequest
{
    /// <summary>When it stops working (never when absent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>PUT /v1/agents/{address}/delivery (PROTOCOL §6.5): the delivery binding and its limits; null members stay unchanged.</summary>
public record AgentDeliveryRequest
{
    /// <summary>stream, poll, http, inbox or internal.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeliveryMode { get; init; }
    /// <summary>How long a poll lease holds (seconds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LeaseSeconds { get; init; }
    /// <summary>How many delivery attempts at most.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxDeliveryAttempts { get; init; }
    /// <summary>Where the http binding posts.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookUrl { get; init; }
    /// <summary>The http binding's signing secret (generated when absent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }
    /// <summary>The internal binding's built-in handler.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InternalHandler { get; init; }
}

/// <summary>POST /v1/users and PATCH /v1/users/{id}: a human user (ADR 009).</summary>
public sealed record UserRequest
{
    /// <summary>Its name (create only; a user's address derives from it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }
    /// <summary>A name for people.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DisplayName { get; init; }
    /// <summary>Where notifications and sign-in links go (required on create).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Email { get; init; }
    /// <summary>Roles tasks may be assigned to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Roles { get; init; }
    /// <summary>Teams tasks may be assigned to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Teams { get; init; }
}

/// <summary>POST /v1/inbox/{id}/reply.</summary>
public sealed record InboxReplyRequest
{
    /// <summary>The message.</summary>
    public required string Message { get; init; }
}

/// <summary>POST /v1/inbox/{id}/delegate.</summary>
public sealed record InboxDelegateRequest
{
    /// <summary>The new owner (an address, or a name in the caller's workspace).</summary>
    public required string DelegateTo { get; init; }
    /// <summary>A note for them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

/// <summary>POST /v1/inbox/{id}/approve and …/reject.</summary>
public sealed record InboxDecisionRequest
{
    /// <summary>A comment.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Comment { get; init; }
}

/// <summary>POST /v1/inbox/{id}/messages/delete.</summary>
public sealed record InboxMessagesDeleteRequest
{
    /// <summary>self (only for the caller, the default) or both.</summary>
    public required string Mode { get; init; }
    /// <summary>Which messages (the caller's latest when absent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? MessageIds { get; init; }
    /// <summary>At most this many (default 100).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; init; }
}

/// <summary>POST /v1/schemas (PROTOCOL §9.4): the JSON Schema of a semantic type (admin keys).</summary>
public sealed record SemanticSchemaRequest
{
    /// <summary>The intent type it checks.</summary>
    public required string SemanticType { get; init; }
    /// <summary>The JSON Schema.</summary>
    public required JsonObject SchemaJson { get; init; }
    /// <summary>strict (the default), backward or warn.</summary>
    public required string CompatibilityMode { get; init; }
    /// <summary>Where it is published.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SchemaRef { get; init; }
    /// <summary>tenant (the default) or core.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Scope { get; init; }
    /// <summary>False to deactivate it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Active { get; init; }
}

/// <summary>PUT …/receive-policy (policy_type) or …/receive-override (override_type), and POST …/entries (sender_pattern).</summary>
public sealed record ReceivePolicyRequest
{
    /// <summary>An organisation's mode: open, allowlist or closed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PolicyType { get; init; }
    /// <summary>An agent's override mode.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OverrideType { get; init; }
    /// <summary>A sender to allow (an address or a pattern with *).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SenderPattern { get; init; }
}

/// <summary>POST /v1/intents/{id}/magic-links (ADR 010).</summary>
public sealed record MagicLinkRequest
{
    /// <summary>The assignee the link answers for (an e-mail or user id the task names).</summary>
    public required string Assignee { get; init; }
    /// <summary>How long it works (seconds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TtlSeconds { get; init; }
}
