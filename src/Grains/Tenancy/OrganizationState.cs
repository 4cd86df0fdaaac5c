using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Tenancy;

/// <summary>Durable state of an organization: the organization itself, its workspaces and its members.</summary>
[GenerateSerializer, Alias("axme.organization-state")]
public sealed class OrganizationState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public OrganizationRecord? Organization { get; set; }
    [Id(2)] public List<WorkspaceRecord> Workspaces { get; set; } = [];
    [Id(3)] public List<MemberRecord> Members { get; set; } = [];
    /// <summary>Quota policies admins set, by workspace id (a workspace without one has the node's defaults).</summary>
    [Id(4)] public Dictionary<string, QuotaPolicy> Quotas { get; set; } = [];
}

/// <summary>Durable state of the organization directory: every organization id, oldest first.</summary>
[GenerateSerializer, Alias("axme.organization-directory-state")]
public sealed class OrganizationDirectoryState
{
    [Id(0)] public List<string> OrgIds { get; set; } = [];
    [Id(1)] public bool Adopted { get; set; }
}
