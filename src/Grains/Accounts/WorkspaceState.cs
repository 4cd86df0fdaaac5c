using Axme.Grains.Interfaces.Accounts;

namespace Axme.Grains.Accounts;

/// <summary>Durable state of a workspace directory: its service accounts by unique name.</summary>
[GenerateSerializer, Alias("axme.workspace-state")]
public sealed class WorkspaceState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public List<WorkspaceMember> ServiceAccounts { get; set; } = [];
    /// <summary>Aliases of its accounts, active and revoked (docs/adr/024).</summary>
    [Id(2)] public List<AliasRecord> Aliases { get; set; } = [];
}

/// <summary>A service account listed in a workspace.</summary>
[GenerateSerializer, Alias("axme.workspace-member")]
public sealed class WorkspaceMember
{
    [Id(0)] public required string ServiceAccountId { get; set; }
    [Id(1)] public required string Name { get; set; }
    /// <summary>agent or human (null for members listed before kinds were kept: looked up once, then kept).</summary>
    [Id(2)] public string? Kind { get; set; }
}
