using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>A webhook subscription (PROTOCOL §9.1), keyed by its owner agent and callback URL.</summary>
public sealed record WebhookSubscription
{
    /// <summary>The subscription's id.</summary>
    public required string SubscriptionId { get; init; }
    /// <summary>The agent whose events it receives.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Where events are posted (signed, retried).</summary>
    public required string CallbackUrl { get; init; }
    /// <summary>The event types it receives (<c>*</c> for all).</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }
    /// <summary>False when paused or revoked.</summary>
    public required bool Active { get; init; }
    /// <summary>What it is for.</summary>
    public string? Description { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it was revoked (null while live).</summary>
    public required DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The last characters of its signing secret (null without one).</summary>
    public required string? SecretHint { get; init; }
}

/// <summary>POST /v1/webhooks/subscriptions.</summary>
public sealed record WebhookSubscriptionRequest
{
    /// <summary>Where events are posted.</summary>
    public required string CallbackUrl { get; init; }
    /// <summary>1 to 32 event types (<c>*</c> for all).</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }
    /// <summary>The signing secret (optional).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }
    /// <summary>What it is for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
    /// <summary>False to create it paused.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Active { get; init; }
}

/// <summary>The answer of POST /v1/webhooks/subscriptions.</summary>
public sealed record WebhookSubscriptionResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The subscription.</summary>
    public required WebhookSubscription Subscription { get; init; }
    /// <summary>The signing secret generated for a subscription created without one: only in the answer that generated it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }
}

/// <summary>GET /v1/webhooks/subscriptions.</summary>
public sealed record WebhookSubscriptionList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The subscriptions.</summary>
    public IReadOnlyList<WebhookSubscription> Subscriptions { get; init; } = [];
}

/// <summary>DELETE /v1/webhooks/subscriptions/{id}.</summary>
public sealed record WebhookSubscriptionRevoked
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The subscription.</summary>
    public required string SubscriptionId { get; init; }
    /// <summary>When it was revoked.</summary>
    public required DateTimeOffset RevokedAt { get; init; }
}

/// <summary>POST /v1/webhooks/events: an event for the owner's matching subscriptions.</summary>
public sealed record WebhookEventRequest
{
    /// <summary>The event type, 3 to 100 characters.</summary>
    public required string EventType { get; init; }
    /// <summary>Who raised it, 2 to 100 characters.</summary>
    public required string Source { get; init; }
    /// <summary>The event's data.</summary>
    public required JsonObject Payload { get; init; }
}

/// <summary>A published event and its delivery counters (publish, GET and replay answer it).</summary>
public sealed record WebhookEventResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The event's id (the same for a publish retried with its Idempotency-Key).</summary>
    public required string EventId { get; init; }
    /// <summary>The event type.</summary>
    public required string EventType { get; init; }
    /// <summary>Who raised it.</summary>
    public required string Source { get; init; }
    /// <summary>The owner agent whose subscriptions receive it.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>When the node accepted it.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }
    /// <summary>How many deliveries were queued.</summary>
    public int QueuedDeliveries { get; init; }
    /// <summary>How many have finished (delivered or dead-lettered).</summary>
    public int ProcessedDeliveries { get; init; }
    /// <summary>How many were delivered.</summary>
    public int Delivered { get; init; }
    /// <summary>How many are still trying.</summary>
    public int Pending { get; init; }
    /// <summary>How many gave up.</summary>
    public int DeadLettered { get; init; }
    /// <summary>When it was last replayed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ReplayedAt { get; init; }
    /// <summary>An extension on GET: every delivery and attempt.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WebhookDelivery>? Deliveries { get; init; }
}

/// <summary>One delivery (to a subscription, or of an intent to an http agent) and its attempts.</summary>
public record WebhookDelivery
{
    /// <summary>The delivery's id.</summary>
    public required string DeliveryId { get; init; }
    /// <summary>What is delivered (http, subscription, email, …).</summary>
    public required string Kind { get; init; }
    /// <summary>The event type delivered.</summary>
    public string? EventType { get; init; }
    /// <summary>pending, delivered or dead_lettered.</summary>
    public required string Status { get; init; }
    /// <summary>How many attempts were made.</summary>
    public int AttemptCount { get; init; }
    /// <summary>When it was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When the next attempt runs.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
}

/// <summary>One attempt of a delivery.</summary>
public sealed record WebhookAttempt
{
    /// <summary>Its number (1 the first time).</summary>
    public int Attempt { get; init; }
    /// <summary>When it ran.</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>Where it went.</summary>
    public string? Url { get; init; }
    /// <summary>The receiver's HTTP status.</summary>
    public int? StatusCode { get; init; }
    /// <summary>How long it took.</summary>
    public double LatencyMs { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
}

/// <summary>GET /v1/intents/{id}/deliveries (an extension): the intent's delivery to its handler.</summary>
public sealed record IntentDeliveries
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The intent.</summary>
    public required string IntentId { get; init; }
    /// <summary>Its delivery's id.</summary>
    public required string DeliveryId { get; init; }
    /// <summary>The current delivery attempt.</summary>
    public int DeliveryAttempt { get; init; }
    /// <summary>The webhook delivery with its attempts (http bindings), else empty.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries { get; init; } = [];
}

/// <summary>A notification sent about an intent (an e-mail or a chat webhook post, ADR 008): a delivery and what it said.</summary>
public sealed record NotificationDelivery : WebhookDelivery
{
    /// <summary>An empty notification (for deserialisation).</summary>
    public NotificationDelivery() { }

    /// <summary>The notification of a delivery: its members copied, the notification's own set by the caller.</summary>
    /// <param name="delivery">The delivery with its attempts.</param>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public NotificationDelivery(WebhookDelivery delivery) : base(delivery) => Channel = "";

    /// <summary>task_assigned, reminder, escalation, …</summary>
    public string? NotificationType { get; init; }
    /// <summary>email or webhook.</summary>
    public required string Channel { get; init; }
    /// <summary>An e-mail's recipients.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? To { get; init; }
    /// <summary>An e-mail's subject.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; init; }
    /// <summary>Why it was skipped or failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary>GET /v1/intents/{id}/notifications (an extension).</summary>
public sealed record NotificationList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The intent.</summary>
    public required string IntentId { get; init; }
    /// <summary>Every notification sent about it, with its attempts.</summary>
    public IReadOnlyList<NotificationDelivery> Notifications { get; init; } = [];
}
