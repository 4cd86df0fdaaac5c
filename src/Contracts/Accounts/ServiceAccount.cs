using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// A service account (PROTOCOL §6.2): an agent's identity, with its keys when the viewer may manage it (the account
/// itself or an admin, ADR 017); both <c>agent_address</c> and <c>address</c> are written (PROTOCOL §13 D28).
/// </summary>
public sealed record ServiceAccount
{
    /// <summary>The account's id.</summary>
    public required string ServiceAccountId { get; init; }
    /// <summary>The same id, for clients that read <c>id</c>.</summary>
    public string? Id { get; init; }
    /// <summary>Its organisation.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its name (the agent's name is its slug).</summary>
    public required string Name { get; init; }
    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }
    /// <summary>What it is for.</summary>
    public string? Description { get; init; }
    /// <summary>active or deleted.</summary>
    public required string Status { get; init; }
    /// <summary>The account that created it.</summary>
    public required string CreatedByActorId { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Its agent's address, <c>agent://org/workspace/name</c> (empty if a server sends none).</summary>
    public string AgentAddress { get; init; } = "";
    /// <summary>The same address, for clients that read <c>address</c>.</summary>
    public string? Address { get; init; }
    /// <summary>agent or human.</summary>
    public string? Kind { get; init; }
    /// <summary>True for an admin account (it manages every workspace).</summary>
    public bool IsAdmin { get; init; }
    /// <summary>Its keys (never their tokens); absent when the viewer may not manage the account.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ApiKey>? Keys { get; init; }
}

/// <summary>An API key's public metadata; <see cref="Token"/> only in the answer that created it.</summary>
public sealed record ApiKey
{
    /// <summary>The key's id.</summary>
    public required string KeyId { get; init; }
    /// <summary>Its account.</summary>
    public required string ServiceAccountId { get; init; }
    /// <summary>The last characters of the token, to tell keys apart.</summary>
    public required string KeyHint { get; init; }
    /// <summary>active, revoked or expired.</summary>
    public required string Status { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it stops working, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The secret token: shown once, at creation, never stored by the node (only its hash).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }
}

/// <summary>A human user (a service account of kind human), as /v1/users answers it.</summary>
public sealed record User
{
    /// <summary>The user's account id.</summary>
    public required string UserId { get; init; }
    /// <summary>Its organisation.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Where notifications and sign-in links go.</summary>
    public string? Email { get; init; }
    /// <summary>Roles that tasks may be assigned to.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>Teams that tasks may be assigned to.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];
    /// <summary>The user's address (tasks assigned to it name it).</summary>
    public string? AgentAddress { get; init; }
    /// <summary>active or deleted.</summary>
    public required string Status { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Its keys; absent when the viewer may not manage the user.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ApiKey>? Keys { get; init; }
}
