namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// A second name of a principal (a service account) in its workspace (PROTOCOL §12 "Naming and routing", docs/adr/024):
/// agent://org/workspace/name-of-the-alias. An intent sent to that address goes to the principal's own address while the
/// alias is active. Alias and account names share one namespace per workspace.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.alias")]
public sealed record AliasRecord
{
    [Id(0)] public required string AliasId { get; init; }
    [Id(1)] public required string PrincipalId { get; init; }
    /// <summary>The principal's own address, where intents to the alias go.</summary>
    [Id(2)] public required string PrincipalAddress { get; init; }
    [Id(3)] public required string OrgId { get; init; }
    [Id(4)] public required string WorkspaceId { get; init; }
    /// <summary>The alias as a name (its last address segment).</summary>
    [Id(5)] public required string Name { get; init; }
    /// <summary>agent://org/workspace/name.</summary>
    [Id(6)] public required string Address { get; init; }
    /// <summary>communication, service or external.</summary>
    [Id(7)] public required string AliasType { get; init; }
    /// <summary>active or revoked.</summary>
    [Id(8)] public required string Status { get; init; }
    [Id(9)] public string MetadataJson { get; init; } = "{}";
    [Id(10)] public required string CreatedBy { get; init; }
    [Id(11)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(12)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(13)] public DateTimeOffset? RevokedAt { get; init; }

    public bool Active => Status == AliasStatus.Active;
}

/// <summary>Input of POST /v1/aliases after validation.</summary>
[GenerateSerializer, Immutable, Alias("axme.bind-alias")]
public sealed record BindAliasCommand
{
    [Id(0)] public required string PrincipalId { get; init; }
    /// <summary>The alias as the caller wrote it: a bare name or agent://org/workspace/name of this workspace.</summary>
    [Id(1)] public required string Alias { get; init; }
    [Id(2)] public required string AliasType { get; init; }
    [Id(3)] public string MetadataJson { get; init; } = "{}";
    [Id(4)] public required string Actor { get; init; }
}

public static class AliasStatus
{
    public const string Active = "active";
    public const string Revoked = "revoked";
}

public static class AliasTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string> { "communication", "service", "external" };
}
