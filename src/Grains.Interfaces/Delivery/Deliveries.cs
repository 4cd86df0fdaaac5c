namespace Axme.Grains.Interfaces.Delivery;

/// <summary>What a webhook delivery carries: an intent to its http agent, or one event to one subscription.</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-job")]
public sealed record DeliveryJob
{
    /// <summary><see cref="DeliveryKinds.Agent"/> or <see cref="DeliveryKinds.Subscription"/>.</summary>
    [Id(0)] public required string Kind { get; init; }
    /// <summary>Agent deliveries: the intent (its current state is read at every attempt).</summary>
    [Id(1)] public Guid? IntentId { get; init; }
    /// <summary>Agent deliveries: the agent whose URL and secret are used (read at every attempt, so a fixed URL helps the retries).</summary>
    [Id(2)] public string? Agent { get; init; }
    /// <summary>Subscription deliveries: the subscription, the event and its body.</summary>
    [Id(3)] public Guid? SubscriptionId { get; init; }
    [Id(4)] public string? EventId { get; init; }
    [Id(5)] public string? BodyJson { get; init; }
    [Id(6)] public required string EventType { get; init; }
}

public static class DeliveryKinds
{
    public const string Agent = "agent";
    public const string Subscription = "subscription";
}

/// <summary>pending → delivered | dead_lettered | obsolete (the intent finished by other means before a 2xx).</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLettered = "dead_lettered";
    public const string Obsolete = "obsolete";
}

/// <summary>One POST: when, what came back, how long it took.</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-attempt")]
public sealed record DeliveryAttempt
{
    [Id(0)] public required int Attempt { get; init; }
    [Id(1)] public required DateTimeOffset At { get; init; }
    /// <summary>HTTP status, or null when no response arrived (connection error, timeout).</summary>
    [Id(2)] public int? StatusCode { get; init; }
    [Id(3)] public required double LatencyMs { get; init; }
    /// <summary>Why the attempt failed; null for a 2xx. Never contains the secret.</summary>
    [Id(4)] public string? Error { get; init; }
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

    public bool IsFinished => Status != DeliveryStatus.Pending;
}

/// <summary>Where and how to POST, as the target (agent or subscription) says at the time of an attempt.</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-target")]
public sealed record DeliveryTarget
{
    [Id(0)] public required string Url { get; init; }
    /// <summary>The signing secret, encrypted at rest (ASP.NET Core Data Protection); never logged.</summary>
    [Id(1)] public required string ProtectedSecret { get; init; }
    [Id(2)] public required int MaxAttempts { get; init; }
    /// <summary>False when the target is gone or no longer wants webhooks: the delivery stops.</summary>
    [Id(3)] public bool Active { get; init; } = true;
}
