namespace Axme.Grains.Interfaces.Delivery;

/// <summary>A webhook subscription (PROTOCOL §9.1). The secret is kept encrypted and never returned.</summary>
[GenerateSerializer, Immutable, Alias("axme.webhook-subscription")]
public sealed record WebhookSubscription
{
    [Id(0)] public required Guid SubscriptionId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string WorkspaceId { get; init; }
    [Id(3)] public required string OwnerAgent { get; init; }
    [Id(4)] public required string CallbackUrl { get; init; }
    [Id(5)] public required IReadOnlyList<string> EventTypes { get; init; }
    [Id(6)] public bool Active { get; init; } = true;
    [Id(7)] public string? Description { get; init; }
    [Id(8)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(10)] public DateTimeOffset? RevokedAt { get; init; }
    [Id(11)] public string? SecretHint { get; init; }
    [Id(12)] public required string ProtectedSecret { get; init; }

    /// <summary>Exact names, "prefix.*" (e.g. intent.*) or "*".</summary>
    public bool Matches(string eventType) => EventTypes.Any(t =>
        t == "*" || t == eventType || (t.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(t[..^1], StringComparison.Ordinal)));

    public bool IsLive => Active && RevokedAt is null;
}

/// <summary>The fields of an upsert; a null secret keeps the stored one.</summary>
[GenerateSerializer, Immutable, Alias("axme.webhook-subscription-upsert")]
public sealed record WebhookSubscriptionUpsert
{
    [Id(0)] public required string OrgId { get; init; }
    [Id(1)] public required string WorkspaceId { get; init; }
    [Id(2)] public required string OwnerAgent { get; init; }
    [Id(3)] public required string CallbackUrl { get; init; }
    [Id(4)] public required IReadOnlyList<string> EventTypes { get; init; }
    [Id(5)] public bool Active { get; init; } = true;
    [Id(6)] public string? Description { get; init; }
    [Id(7)] public string? ProtectedSecret { get; init; }
    [Id(8)] public string? SecretHint { get; init; }
    /// <summary>
    /// The secret is one the API generated because the caller gave none: used only when there is no live subscription
    /// whose secret stays (the API knows it was used when the subscription comes back with this very ciphertext).
    /// </summary>
    [Id(9)] public bool SecretGenerated { get; init; }
}

/// <summary>A published event and where it went (PROTOCOL §9.1 publish/replay).</summary>
[GenerateSerializer, Immutable, Alias("axme.webhook-event")]
public sealed record WebhookEventRecord
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string WorkspaceId { get; init; }
    [Id(3)] public required string OwnerAgent { get; init; }
    [Id(4)] public required string EventType { get; init; }
    [Id(5)] public required string Source { get; init; }
    [Id(6)] public required string PayloadJson { get; init; }
    [Id(7)] public required DateTimeOffset AcceptedAt { get; init; }
    /// <summary>Delivery id → status (pending, delivered, dead_lettered, obsolete).</summary>
    [Id(8)] public required IReadOnlyDictionary<string, string> Deliveries { get; init; }
    [Id(9)] public DateTimeOffset? ReplayedAt { get; init; }
    /// <summary>Deliveries (re)started by the last publish or replay call.</summary>
    [Id(10)] public int Queued { get; init; }

    public int Count(string status) => Deliveries.Values.Count(s => s == status);
}
