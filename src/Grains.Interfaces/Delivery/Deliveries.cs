namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// What a delivery carries: an intent to its agent's binding (http, inbox, internal), one event to one
/// subscription, or a notification to people (an e-mail, or a JSON POST to the configured chat webhook).
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-job")]
public sealed record DeliveryJob
{
    /// <summary>One of <see cref="DeliveryKinds"/>.</summary>
    [Id(0)] public required string Kind { get; init; }
    /// <summary>
    /// Agent deliveries: the intent (its current state is read at every attempt). Notifications: the intent
    /// they are about, for the record only (a notification never changes the intent).
    /// </summary>
    [Id(1)] public Guid? IntentId { get; init; }
    /// <summary>Agent deliveries: the agent (its settings, e.g. the webhook URL, are read at every attempt, so a fixed URL helps the retries).</summary>
    [Id(2)] public string? Agent { get; init; }
    /// <summary>Subscription deliveries: the subscription, the event and its body (also the body of a webhook notification).</summary>
    [Id(3)] public Guid? SubscriptionId { get; init; }
    [Id(4)] public string? EventId { get; init; }
    [Id(5)] public string? BodyJson { get; init; }
    [Id(6)] public required string EventType { get; init; }
    /// <summary>E-mail notifications: recipients, subject and bodies.</summary>
    [Id(7)] public EmailContent? Email { get; init; }
    /// <summary>Notifications: what it is about (e.g. task_assigned, reminder, escalated).</summary>
    [Id(8)] public string? NotificationType { get; init; }
}

/// <summary>An e-mail to send: the sender comes from the node's configuration (Axme:Email:From).</summary>
[GenerateSerializer, Immutable, Alias("axme.email-content")]
public sealed record EmailContent
{
    [Id(0)] public required IReadOnlyList<string> To { get; init; }
    [Id(1)] public required string Subject { get; init; }
    [Id(2)] public required string TextBody { get; init; }
    /// <summary>Sent as multipart/alternative with the text body when present.</summary>
    [Id(3)] public string? HtmlBody { get; init; }
    /// <summary>
    /// The bodies are sealed with Data Protection (NotificationChannels.Seal): a task's e-mail carries magic links, which
    /// answer the task as its assignee, so its text is never stored in the clear (ADR 017 §7).
    /// </summary>
    [Id(4)] public bool BodiesSealed { get; init; }
}

/// <summary>
/// An intent to an http agent (a signed POST), an inbox agent (a thread), an internal agent (an in-silo
/// handler), an event to a subscription, or a notification: an e-mail or a signed POST to the chat webhook.
/// </summary>
public static class DeliveryKinds
{
    public const string Http = "http";
    public const string Inbox = "inbox";
    public const string Internal = "internal";
    public const string Subscription = "subscription";
    public const string Email = "email";
    public const string Notification = "notification";

    /// <summary>Deliveries of an intent to its handler: only these move the intent (delivered, or failed when dead-lettered).</summary>
    public static bool IsAgent(string kind) => kind is Http or Inbox or Internal;

    /// <summary>The kind that delivers to an agent of this binding; null for bindings the listener pulls (stream, poll).</summary>
    public static string? ForBinding(string deliveryMode) => deliveryMode switch
    {
        Agents.DeliveryModes.Http => Http,
        Agents.DeliveryModes.Inbox => Inbox,
        Agents.DeliveryModes.Internal => Internal,
        _ => null,
    };
}

/// <summary>
/// pending → delivered | dead_lettered | obsolete (the intent was taken up or finished by other means first);
/// a notification whose channel this node has not configured is skipped at once, with the reason recorded.
/// </summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLettered = "dead_lettered";
    public const string Obsolete = "obsolete";
    public const string Skipped = "skipped";
}

/// <summary>One attempt (a POST, opening a thread, running a handler): when, what came back, how long it took.</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-attempt")]
public sealed record DeliveryAttempt
{
    [Id(0)] public required int Attempt { get; init; }
    [Id(1)] public required DateTimeOffset At { get; init; }
    /// <summary>HTTP status of a webhook attempt; null when no response arrived or the delivery is not http.</summary>
    [Id(2)] public int? StatusCode { get; init; }
    [Id(3)] public required double LatencyMs { get; init; }
    /// <summary>Why the attempt failed; null for a 2xx. Never contains the secret.</summary>
    [Id(4)] public string? Error { get; init; }
    /// <summary>Where it went: the webhook URL, the inbox owner, the internal handler, or the SMTP server.</summary>
    [Id(5)] public required string Url { get; init; }
}

/// <summary>A webhook delivery and every attempt made for it.</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery")]
public sealed record DeliveryRecord
{
    [Id(0)] public required string DeliveryId { get; init; }
    [Id(1)] public required DeliveryJob Job { get; init; }
    [Id(2)] public required string Status { get; init; }
    [Id(3)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(4)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(5)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(6)] public int MaxAttempts { get; init; }
    [Id(7)] public IReadOnlyList<DeliveryAttempt> Attempts { get; init; } = [];
    /// <summary>Why a skipped delivery was never attempted.</summary>
    [Id(8)] public string? Reason { get; init; }

    public bool IsFinished => Status != DeliveryStatus.Pending;
}

/// <summary>Where and how to POST, as the target (agent or subscription) says at the time of an attempt.</summary>
[GenerateSerializer, Immutable, Alias("axme.webhook-target")]
public sealed record WebhookTarget
{
    [Id(0)] public required string Url { get; init; }
    /// <summary>The signing secret, encrypted at rest (ASP.NET Core Data Protection); never logged.</summary>
    [Id(1)] public required string ProtectedSecret { get; init; }
    [Id(2)] public required int MaxAttempts { get; init; }
    /// <summary>False when the target is gone or no longer wants webhooks: the delivery stops.</summary>
    [Id(3)] public bool Active { get; init; } = true;
    /// <summary>The workspace whose quota counts the POST (docs/adr/029): the subscription's, or the intent's for an agent's webhook.</summary>
    [Id(4)] public string? OrgId { get; init; }
    [Id(5)] public string? WorkspaceId { get; init; }
}
