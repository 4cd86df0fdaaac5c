namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// A service account: the identity of an agent or a machine client (PROTOCOL §6.2), or of a human user
/// (kind "human", with an e-mail, roles and teams; docs/adr/009).
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.service-account")]
public sealed record ServiceAccountRecord
{
    [Id(0)] public required string ServiceAccountId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string WorkspaceId { get; init; }
    [Id(3)] public required string Name { get; init; }
    [Id(4)] public string? DisplayName { get; init; }
    [Id(5)] public string? Description { get; init; }
    /// <summary>active or deleted.</summary>
    [Id(6)] public required string Status { get; init; }
    [Id(7)] public required string CreatedByActorId { get; init; }
    [Id(8)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(10)] public required string AgentAddress { get; init; }
    [Id(11)] public bool IsAdmin { get; init; }
    [Id(12)] public IReadOnlyList<ApiKeyRecord> Keys { get; init; } = [];
    /// <summary>agent (default, also for accounts stored before kinds existed) or human.</summary>
    [Id(13)] public string Kind { get; init; } = AccountKinds.Agent;
    /// <summary>A human user's e-mail address; null for agents.</summary>
    [Id(14)] public string? Email { get; init; }
    /// <summary>A human user's roles (lower-case), matched by role:&lt;name&gt; assignees.</summary>
    [Id(15)] public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>A human user's teams (lower-case), matched by team:&lt;name&gt; assignees.</summary>
    [Id(16)] public IReadOnlyList<string> Teams { get; init; } = [];
    /// <summary>The principal type it was created as through /v1/principals (user, service_agent, service_account); null otherwise.</summary>
    [Id(17)] public string? PrincipalType { get; init; }
    /// <summary>Free-form facts given at /v1/principals (a JSON object).</summary>
    [Id(18)] public string? MetadataJson { get; init; }
    /// <summary>A human user's nick (@name, unique on the node), or null (docs/adr/027).</summary>
    [Id(19)] public string? Nick { get; init; }
    /// <summary>A human user's phone number, as they gave it.</summary>
    [Id(20)] public string? Phone { get; init; }

    public bool IsHuman => Kind == AccountKinds.Human;
}

/// <summary>What a service account stands for.</summary>
public static class AccountKinds
{
    public const string Agent = "agent";
    public const string Human = "human";
}

/// <summary>An API key's public metadata; the secret itself is never stored, only its hash.</summary>
[GenerateSerializer, Immutable, Alias("axme.api-key")]
public sealed record ApiKeyRecord
{
    [Id(0)] public required string KeyId { get; init; }
    [Id(1)] public required string ServiceAccountId { get; init; }
    /// <summary>A recognisable prefix of the token, safe to show.</summary>
    [Id(2)] public required string KeyHint { get; init; }
    /// <summary>active or revoked.</summary>
    [Id(3)] public required string Status { get; init; }
    [Id(4)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(6)] public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>SHA-256 of the token (hex); the key of its ApiKeyGrain.</summary>
    [Id(7)] public required string TokenHash { get; init; }
}

/// <summary>A newly created key: the only time the token is ever returned.</summary>
[GenerateSerializer, Immutable, Alias("axme.created-key")]
public sealed record CreatedApiKey(
    [property: Id(0)] ApiKeyRecord Key,
    [property: Id(1)] string Token);

/// <summary>What an ApiKeyGrain knows about the key it stands for.</summary>
[GenerateSerializer, Immutable, Alias("axme.api-key-binding")]
public sealed record ApiKeyBinding
{
    [Id(0)] public required string KeyId { get; init; }
    [Id(1)] public required string ServiceAccountId { get; init; }
    [Id(2)] public required string OrgId { get; init; }
    [Id(3)] public required string WorkspaceId { get; init; }
    [Id(4)] public required string AgentAddress { get; init; }
    [Id(5)] public bool IsAdmin { get; init; }
    [Id(6)] public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The account is a human user's: fixed for the account's life, unlike its roles, which are read when needed.</summary>
    [Id(7)] public bool IsHuman { get; init; }
    /// <summary>The account's agent is killed (the mesh): the key authenticates, but only to heartbeat.</summary>
    [Id(8)] public bool AgentKilled { get; init; }
}

/// <summary>Input of POST /v1/service-accounts after validation.</summary>
[GenerateSerializer, Immutable, Alias("axme.create-service-account")]
public sealed record CreateServiceAccountCommand
{
    [Id(0)] public required string OrgId { get; init; }
    [Id(1)] public required string WorkspaceId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public string? DisplayName { get; init; }
    [Id(4)] public string? Description { get; init; }
    [Id(5)] public required string CreatedByActorId { get; init; }
    [Id(6)] public bool IsAdmin { get; init; }
    [Id(7)] public string Kind { get; init; } = AccountKinds.Agent;
    [Id(8)] public string? Email { get; init; }
    [Id(9)] public IReadOnlyList<string> Roles { get; init; } = [];
    [Id(10)] public IReadOnlyList<string> Teams { get; init; } = [];
    [Id(11)] public string? PrincipalType { get; init; }
    [Id(12)] public string? MetadataJson { get; init; }
}

/// <summary>Input of PATCH /v1/users/{id} after validation: null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("axme.update-human")]
public sealed record UpdateHumanCommand
{
    [Id(0)] public string? DisplayName { get; init; }
    [Id(1)] public string? Email { get; init; }
    [Id(2)] public IReadOnlyList<string>? Roles { get; init; }
    [Id(3)] public IReadOnlyList<string>? Teams { get; init; }
    /// <summary>A new nick (checked by <see cref="People.Nicks"/>); claimed on the node before it is set, the old one released after.</summary>
    [Id(4)] public string? Nick { get; init; }
    [Id(5)] public string? Phone { get; init; }
}
