using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>POST /v1/service-accounts and GET /v1/service-accounts/{id}: the account, and its agent when a create set its delivery binding.</summary>
public sealed record ServiceAccountResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The account.</summary>
    public required ServiceAccount ServiceAccount { get; init; }
    /// <summary>An extension: the agent as configured by the create's delivery fields.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Agent? Agent { get; init; }
}

/// <summary>GET /v1/service-accounts: a page of a workspace's accounts.</summary>
public sealed record ServiceAccountPage
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The accounts of this page.</summary>
    public IReadOnlyList<ServiceAccount> ServiceAccounts { get; init; } = [];
    /// <summary>An extension: the cursor of the next page, null on the last one.</summary>
    public string? NextCursor { get; init; }
    /// <summary>An extension: true when another page follows.</summary>
    public bool HasMore { get; init; }
}

/// <summary>DELETE /v1/service-accounts/{id}: every key revoked, the account deleted.</summary>
public sealed record ServiceAccountDeleted
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The account's id.</summary>
    public required string ServiceAccountId { get; init; }
    /// <summary>True.</summary>
    public bool Deleted { get; init; } = true;
    /// <summary>The account as it ends.</summary>
    public required ServiceAccount ServiceAccount { get; init; }
}

/// <summary>POST …/keys (with the token, once) and POST …/keys/{key_id}/revoke.</summary>
public sealed record ApiKeyResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The key.</summary>
    public required ApiKey Key { get; init; }
}

/// <summary>GET /v1/whoami (an extension): who the request's key or actor token belongs to.</summary>
public sealed record WhoAmIResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The authenticated caller.</summary>
    public required WhoAmI Caller { get; init; }
    /// <summary>Its account (null if it was deleted meanwhile).</summary>
    public ServiceAccount? ServiceAccount { get; init; }
}

/// <summary>The authenticated caller: which account, which key, which workspace.</summary>
public sealed record WhoAmI
{
    /// <summary>The caller's account.</summary>
    public required string ServiceAccountId { get; init; }
    /// <summary>The key used (<c>actor_token</c> for an actor token).</summary>
    public required string KeyId { get; init; }
    /// <summary>Its organisation.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its agent address.</summary>
    public required string AgentAddress { get; init; }
    /// <summary>True for an admin key.</summary>
    public bool IsAdmin { get; init; }
    /// <summary>True for a human user's key or token.</summary>
    public bool IsHuman { get; init; }
    /// <summary>api_key or actor_token.</summary>
    public string? Credential { get; init; }
}

/// <summary>GET /v1/agents/{address} and PUT …/delivery.</summary>
public sealed record AgentResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The agent.</summary>
    public required Agent Agent { get; init; }
}

/// <summary>GET /v1/agents: a page of the workspace's agents (human users are not agents of the directory).</summary>
public sealed record AgentPage
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The agents of this page.</summary>
    public IReadOnlyList<Agent> Agents { get; init; } = [];
    /// <summary>The cursor of the next page, null on the last one.</summary>
    public string? NextCursor { get; init; }
    /// <summary>True when another page follows.</summary>
    public bool HasMore { get; init; }
}

/// <summary>GET /v1/users/{id}, POST /v1/users, PATCH /v1/users/{id}.</summary>
public sealed record UserResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The user.</summary>
    public required User User { get; init; }
}

/// <summary>GET /v1/users: a page of the workspace's human users.</summary>
public sealed record UserPage
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The users of this page.</summary>
    public IReadOnlyList<User> Users { get; init; } = [];
    /// <summary>The cursor of the next page, null on the last one.</summary>
    public string? NextCursor { get; init; }
    /// <summary>True when another page follows.</summary>
    public bool HasMore { get; init; }
}

/// <summary>DELETE /v1/users/{id}.</summary>
public sealed record UserDeleted
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The user's id.</summary>
    public required string UserId { get; init; }
    /// <summary>True.</summary>
    public bool Deleted { get; init; } = true;
    /// <summary>The user as it ends.</summary>
    public required User User { get; init; }
}

/// <summary>POST /v1/users/{id}/tokens: an actor token that speaks for the user (ADR 017 §6).</summary>
public sealed record ActorTokenResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The token (Authorization: Bearer).</summary>
    public required string Token { get; init; }
    /// <summary>Bearer.</summary>
    public string TokenType { get; init; } = "Bearer";
    /// <summary>When it stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Seconds until then.</summary>
    public int ExpiresIn { get; init; }
    /// <summary>The user it speaks for.</summary>
    public required User User { get; init; }
}
