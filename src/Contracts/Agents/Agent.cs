using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>An agent of the directory (PROTOCOL §6.3) and its delivery binding (§6.5).</summary>
public sealed record Agent
{
    /// <summary>Its address, <c>agent://org/workspace/name</c>.</summary>
    public required string Address { get; init; }
    /// <summary>The same address, for clients that read <c>agent_address</c>.</summary>
    public string? AgentAddress { get; init; }
    /// <summary>Its service account.</summary>
    public required string ServiceAccountId { get; init; }
    /// <summary>Its service account's name.</summary>
    public required string ServiceAccountName { get; init; }
    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }
    /// <summary>active or deleted.</summary>
    public required string Status { get; init; }
    /// <summary>stream, poll, http, inbox or internal.</summary>
    public string? DeliveryMode { get; init; }
    /// <summary>How long a poll lease holds a delivery.</summary>
    public int LeaseSeconds { get; init; }
    /// <summary>How many delivery attempts at most.</summary>
    public int MaxDeliveryAttempts { get; init; }
    /// <summary>Where the http binding posts.</summary>
    public string? WebhookUrl { get; init; }
    /// <summary>The last characters of the http binding's signing secret.</summary>
    public string? WebhookSecretHint { get; init; }
    /// <summary>The http binding's signing secret: only in the answer that generated it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }
    /// <summary>The built-in handler of the internal binding.</summary>
    public string? InternalHandler { get; init; }
    /// <summary>Its organisation.</summary>
    public string? OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}
