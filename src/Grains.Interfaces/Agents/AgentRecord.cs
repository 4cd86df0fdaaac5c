namespace Axme.Grains.Interfaces.Agents;

/// <summary>An agent: the address of a service account and how intents reach it (PROTOCOL §6.1–6.5).</summary>
[GenerateSerializer, Immutable, Alias("axme.agent")]
public sealed record AgentRecord
{
    /// <summary>Canonical agent://org/workspace/name.</summary>
    [Id(0)] public required string Address { get; init; }
    [Id(1)] public required string ServiceAccountId { get; init; }
    [Id(2)] public required string OrgId { get; init; }
    [Id(3)] public required string WorkspaceId { get; init; }
    [Id(4)] public required string Name { get; init; }
    [Id(5)] public string? DisplayName { get; init; }
    /// <summary>active or deleted.</summary>
    [Id(6)] public required string Status { get; init; }
    /// <summary>How intents reach the agent: <see cref="DeliveryModes"/>.</summary>
    [Id(7)] public string DeliveryMode { get; init; } = "stream";
    [Id(8)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>How long a polled delivery stays invisible to other pollers.</summary>
    [Id(10)] public int LeaseSeconds { get; init; } = 30;
    /// <summary>Deliveries of one intent before it fails with delivery_failed (an intent's own max_delivery_attempts wins).</summary>
    [Id(11)] public int MaxDeliveryAttempts { get; init; } = 5;
    /// <summary>http binding: where deliveries are POSTed.</summary>
    [Id(12)] public string? WebhookUrl { get; init; }
    /// <summary>http binding: the signing secret, encrypted at rest; never returned or logged.</summary>
    [Id(13)] public string? ProtectedWebhookSecret { get; init; }
    /// <summary>The secret's last four characters ("****abcd"), so an operator can tell which one is set.</summary>
    [Id(14)] public string? WebhookSecretHint { get; init; }
    /// <summary>internal binding: the in-silo handler that runs the agent's intents (default: the agent's name).</summary>
    [Id(15)] public string? InternalHandler { get; init; }
    /// <summary>Set while an operator has the agent killed (the mesh): nothing is delivered to it, its keys only heartbeat.</summary>
    [Id(16)] public AgentKill? Killed { get; init; }
}

/// <summary>The delivery bindings (PROTOCOL §6.5).</summary>
public static class DeliveryModes
{
    public const string Stream = "stream";
    public const string Poll = "poll";
    public const string Http = "http";
    public const string Inbox = "inbox";
    public const string Internal = "internal";

    public static readonly IReadOnlyList<string> All = [Stream, Poll, Http, Inbox, Internal];
}

/// <summary>Changes to an agent's delivery binding (PUT /v1/agents/{address}/delivery).</summary>
[GenerateSerializer, Immutable, Alias("axme.delivery-settings")]
public sealed record DeliverySettings
{
    [Id(0)] public string? DeliveryMode { get; init; }
    [Id(1)] public int? LeaseSeconds { get; init; }
    [Id(2)] public int? MaxDeliveryAttempts { get; init; }
    [Id(3)] public string? WebhookUrl { get; init; }
    /// <summary>Already encrypted by the caller: the plain secret never travels between grains.</summary>
    [Id(4)] public string? ProtectedWebhookSecret { get; init; }
    [Id(5)] public string? WebhookSecretHint { get; init; }
    [Id(6)] public string? InternalHandler { get; init; }
}
