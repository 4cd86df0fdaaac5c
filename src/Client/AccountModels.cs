using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

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
