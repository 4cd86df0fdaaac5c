using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>POST /v1/intents (PROTOCOL §5.2): only what is fixed at creation, so a replay with the same Idempotency-Key answers the same body.</summary>
public sealed record IntentCreated
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The new intent's id.</summary>
    public required string IntentId { get; init; }
    /// <summary>The status it was created with (SUBMITTED, or WAITING for a human task or a built-in step).</summary>
    public required string Status { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>An extension: its correlation id (generated when the request gave none).</summary>
    public string? CorrelationId { get; init; }
}

/// <summary>GET /v1/intents/{id} (PROTOCOL §5.3).</summary>
public sealed record IntentResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The intent.</summary>
    public required Intent Intent { get; init; }
}

/// <summary>GET /v1/intents (PROTOCOL §5.4): a page of the workspace's intents, newest first.</summary>
public sealed record IntentPage
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The intents of this page.</summary>
    public IReadOnlyList<Intent> Intents { get; init; } = [];
    /// <summary>The cursor of the next page, null on the last one.</summary>
    public string? NextCursor { get; init; }
    /// <summary>True when another page follows.</summary>
    public bool HasMore { get; init; }
}

/// <summary>GET /v1/intents/{id}/events (PROTOCOL §5.5): the events after <c>since</c>, a page at a time.</summary>
public sealed record IntentEventsPage
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The events, in seq order.</summary>
    public IReadOnlyList<IntentEvent> Events { get; init; } = [];
    /// <summary>An extension: true when more events follow this page.</summary>
    public bool HasMore { get; init; }
    /// <summary>An extension: the <c>since</c> of the next page (the last seq sent), null on the last page.</summary>
    public int? NextSince { get; init; }
}

/// <summary>
/// The answer to a write on an intent (resolve, resume, acknowledge, progress, controls, policy; PROTOCOL §5.7-§5.10):
/// <c>{ok, applied, policy_generation, intent}</c>, with <c>reason</c> when nothing was applied, and for an applied
/// resolve the <c>event</c> and <c>completion_delivery</c>. Controls and policy answer without the intent.
/// </summary>
public sealed record IntentWriteResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>False when the write changed nothing (<see cref="Reason"/> says why).</summary>
    public required bool Applied { get; init; }
    /// <summary>The intent's policy generation after the write.</summary>
    public long PolicyGeneration { get; init; }
    /// <summary>Why nothing was applied.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
    /// <summary>The intent after the write.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Intent? Intent { get; init; }
    /// <summary>The terminal event of an applied resolve.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IntentEvent? Event { get; init; }
    /// <summary>Where an applied resolve's completion went.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CompletionDelivery? CompletionDelivery { get; init; }
}

/// <summary>Where a completion went (PROTOCOL §5.7): into the reply_to owner's inbox thread, whose id is the intent's.</summary>
public sealed record CompletionDelivery
{
    /// <summary>True when the thread took it.</summary>
    public required bool Delivered { get; init; }
    /// <summary>reply_to_not_set, or delivery_pending while the node retries.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
    /// <summary>The inbox owner.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReplyTo { get; init; }
    /// <summary>The inbox thread (the intent's id).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ThreadId { get; init; }
}

/// <summary>The last message of every SSE window (PROTOCOL §5.6, §6.4): where the next window starts.</summary>
public sealed record StreamTimeout
{
    /// <summary>The cursor to resume from (<c>since</c>).</summary>
    public required long NextSeq { get; init; }
}

/// <summary>POST /v1/intents/bulk-cancel (PROTOCOL §5.11): what a dry run would cancel, or what was canceled.</summary>
public sealed record BulkCancelResult
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>A dry run: how many it would cancel.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WouldCancel { get; init; }
    /// <summary>A real run: how many were canceled.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Canceled { get; init; }
    /// <summary>The intents that would be (dry run) or were canceled.</summary>
    public IReadOnlyList<string> IntentIds { get; init; } = [];
}

/// <summary>POST /v1/intents/{id}/magic-links (an extension, ADR 010): a sign-in link that answers the task as its assignee.</summary>
public sealed record MagicLinkResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The link (single use, expiring).</summary>
    public required string Url { get; init; }
    /// <summary>The task's intent.</summary>
    public required string IntentId { get; init; }
    /// <summary>Whose answer the link gives.</summary>
    public required string Assignee { get; init; }
    /// <summary>When it stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
