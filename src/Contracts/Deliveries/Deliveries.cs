using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>
/// A delivery (PROTOCOL §12 "Deliveries", docs/adr/025): an intent handed to its principal's route, or a replay of one.
/// Its id is dlv_&lt;intent id without dashes&gt;; the intent is its record, so a delivery and its intent never disagree.
/// </summary>
public sealed record Delivery
{
    /// <summary>dlv_ and the intent's id.</summary>
    public required string DeliveryId { get; init; }
    /// <summary>The delivery this one replays, or null.</summary>
    public required string? ReplayOfDeliveryId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The principal it goes to (its service account id; the address when no account has it).</summary>
    public required string PrincipalId { get; init; }
    /// <summary>The alias it was sent to, or null.</summary>
    public required string? Alias { get; init; }
    /// <summary>http (pushed) or queue (drained by the agent), from the principal's route now.</summary>
    public required string TransportType { get; init; }
    /// <summary>The principal's route.</summary>
    public required string RouteId { get; init; }
    /// <summary>submitted (not handed out), pending (handed out, to be handed out again), delivered, failed (ended before it was delivered) or dead_lettered (gave up after its attempts).</summary>
    public required string Status { get; init; }
    /// <summary>The intent's correlation id.</summary>
    public required string? CorrelationId { get; init; }
    /// <summary>Not kept by the node (the Idempotency-Key of the request that created it): null.</summary>
    public required string? IdempotencyKey { get; init; }
    /// <summary>The intent's payload.</summary>
    public required JsonObject Payload { get; init; }
    /// <summary>Why it failed or was dead-lettered, or null.</summary>
    public required string? ErrorDetail { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The intent (the node's extension).</summary>
    public required string IntentId { get; init; }
    /// <summary>The intent's status (the node's extension).</summary>
    public required string IntentStatus { get; init; }
    /// <summary>Times it was handed to the principal (the node's extension).</summary>
    public required int DeliveryAttempts { get; init; }
    /// <summary>GET /v1/deliveries/{id} only: every attempt (pushed: each POST, inbox thread or handler run; drained: each hand-out); null in lists.</summary>
    public IReadOnlyList<DeliveryAttemptView>? Attempts { get; init; }
}

/// <summary>One attempt of a delivery.</summary>
public sealed record DeliveryAttemptView
{
    /// <summary>1, 2, …</summary>
    public required int Attempt { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>Where it went: the URL, the inbox owner, the handler, or the agent's stream or lease.</summary>
    public required string Target { get; init; }
    /// <summary>The HTTP status of a pushed attempt, or null.</summary>
    public int? StatusCode { get; init; }
    /// <summary>Why it failed, or null.</summary>
    public string? Error { get; init; }
}

/// <summary>GET /v1/deliveries/{id}, POST /v1/deliveries, POST /v1/deliveries/{id}/replay.</summary>
public sealed record DeliveryResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The delivery.</summary>
    public required Delivery Delivery { get; init; }
}

/// <summary>GET /v1/deliveries, newest first.</summary>
public sealed record DeliveryList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The deliveries.</summary>
    public required IReadOnlyList<Delivery> Deliveries { get; init; }
    /// <summary>The cursor of the next page, or null (the node's extension).</summary>
    public string? NextCursor { get; init; }
}

/// <summary>POST /v1/deliveries: a payload to an alias or a principal (an intent of type delivery_type, by default axme.delivery.v1).</summary>
public sealed record DeliverySubmitRequest
{
    /// <summary>The workspace's organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>What to deliver.</summary>
    public required JsonObject Payload { get; init; }
    /// <summary>The alias to deliver to.</summary>
    public string? Alias { get; init; }
    /// <summary>The principal to deliver to.</summary>
    public string? PrincipalId { get; init; }
    /// <summary>A correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Makes the submit idempotent (as the Idempotency-Key header does).</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>POST /v1/deliveries/reconcile: submitted deliveries older than max_pending_age_seconds are dead-lettered.</summary>
public sealed record DeliveryReconcileRequest
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace (else the caller's).</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>Only deliveries not handed out for this long (default 300 s, at most a day).</summary>
    public int? MaxPendingAgeSeconds { get; init; }
    /// <summary>At most this many (default 500, at most 5000).</summary>
    public int? Limit { get; init; }
    /// <summary>dead_lettered (delivered is refused: the node marks delivered only what it handed out).</summary>
    public string? TargetStatus { get; init; }
    /// <summary>Why (kept in each intent's error).</summary>
    public string? Reason { get; init; }
}

/// <summary>The answer to reconcile.</summary>
public sealed record DeliveryReconciled
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>How many were dead-lettered.</summary>
    public required int Reconciled { get; init; }
    /// <summary>Which.</summary>
    public required IReadOnlyList<string> DeliveryIds { get; init; }
    /// <summary>dead_lettered.</summary>
    public required string TargetStatus { get; init; }
    /// <summary>The age used.</summary>
    public required int MaxPendingAgeSeconds { get; init; }
}

/// <summary>GET /v1/deliveries-operations: the workspace's deliveries over a window, by status.</summary>
public sealed record DeliveryOperationsSummary
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The window: deliveries changed in the last this many hours.</summary>
    public required int WindowHours { get; init; }
    /// <summary>Deliveries by status (submitted, pending, delivered, failed, dead_lettered).</summary>
    public required IReadOnlyDictionary<string, long> Counts { get; init; }
    /// <summary>Their total.</summary>
    public required long Total { get; init; }
    /// <summary>The oldest delivery still submitted (not handed out), or null.</summary>
    public required DateTimeOffset? OldestSubmittedAt { get; init; }
    /// <summary>When this was counted.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
}
