namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// An organization (PROTOCOL §12 "Organizations &amp; workspaces", docs/adr/026): its id is its canonical name (ADR 017),
/// the first segment of its agents' addresses; <see cref="Name"/> is what people read.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.organization")]
public sealed record OrganizationRecord
{
    [Id(0)] public required string OrgId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? LegalName { get; init; }
    [Id(3)] public string? PrimaryDomain { get; init; }
    /// <summary>pending, active, suspended or archived (<see cref="TenantStatus"/>).</summary>
    [Id(4)] public required string Status { get; init; }
    [Id(5)] public string MetadataJson { get; init; } = "{}";
    [Id(6)] public required string CreatedBy { get; init; }
    [Id(7)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A workspace of an organization: its id is its canonical name, the second segment of its agents' addresses.</summary>
[GenerateSerializer, Immutable, Alias("axme.workspace")]
public sealed record WorkspaceRecord
{
    [Id(0)] public required string WorkspaceId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string Name { get; init; }
    /// <summary>sandbox, staging or production.</summary>
    [Id(3)] public required string Environment { get; init; }
    /// <summary>active, suspended or archived.</summary>
    [Id(4)] public required string Status { get; init; }
    [Id(5)] public string? Region { get; init; }
    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A member of an organization: an actor (a person's account id, or whatever id the inviter used) with a role.</summary>
[GenerateSerializer, Immutable, Alias("axme.member")]
public sealed record MemberRecord
{
    [Id(0)] public required string MemberId { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    /// <summary>The workspace the membership is limited to, or null for the whole organization.</summary>
    [Id(2)] public string? WorkspaceId { get; init; }
    [Id(3)] public required string ActorId { get; init; }
    /// <summary>One of <see cref="MemberRoles.All"/>.</summary>
    [Id(4)] public required string Role { get; init; }
    /// <summary>active, invited, suspended or removed.</summary>
    [Id(5)] public required string Status { get; init; }
    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An organization with what GET /v1/organizations/{id} counts.</summary>
[GenerateSerializer, Immutable, Alias("axme.organization-view")]
public sealed record OrganizationView(
    [property: Id(0)] OrganizationRecord Organization,
    [property: Id(1)] int WorkspacesCount,
    [property: Id(2)] int MembersCount);

/// <summary>Input of POST /v1/organizations after validation.</summary>
[GenerateSerializer, Immutable, Alias("axme.create-organization")]
public sealed record CreateOrganizationCommand
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? LegalName { get; init; }
    [Id(2)] public string? PrimaryDomain { get; init; }
    [Id(3)] public string MetadataJson { get; init; } = "{}";
    /// <summary>The actor who asked: the organization's first member, its owner.</summary>
    [Id(4)] public required string RequestedByActorId { get; init; }
    /// <summary>Who created it (the caller's account), for the record.</summary>
    [Id(5)] public required string CreatedBy { get; init; }
}

/// <summary>A PATCH of an organization: null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("axme.update-organization")]
public sealed record UpdateOrganizationCommand
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? LegalName { get; init; }
    [Id(2)] public string? PrimaryDomain { get; init; }
    [Id(3)] public string? Status { get; init; }
    [Id(4)] public string? MetadataJson { get; init; }
}

/// <summary>Input of POST /v1/organizations/{org_id}/workspaces after validation.</summary>
[GenerateSerializer, Immutable, Alias("axme.create-workspace")]
public sealed record CreateWorkspaceCommand
{
    [Id(0)] public required string WorkspaceId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Environment { get; init; }
    [Id(3)] public string? Region { get; init; }
}

/// <summary>A PATCH of a workspace: null members are left as they are.</summary>
[GenerateSerializer, Immutable, Alias("axme.update-workspace")]
public sealed record UpdateWorkspaceCommand
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? Environment { get; init; }
    [Id(2)] public string? Region { get; init; }
    [Id(3)] public string? Status { get; init; }
}

/// <summary>Input of POST /v1/organizations/{org_id}/members after validation.</summary>
[GenerateSerializer, Immutable, Alias("axme.add-member")]
public sealed record AddMemberCommand
{
    [Id(0)] public required string ActorId { get; init; }
    [Id(1)] public required string Role { get; init; }
    [Id(2)] public string? WorkspaceId { get; init; }
}

/// <summary>
/// Whether a workspace's keys may act (the authentication of every request, through TenantGate's cache): the
/// organization's and the workspace's status, its quota policy, and the actors who manage it (active org_owner and
/// org_admin members, and the workspace's workspace_admin members); null when the node holds no record of the workspace.
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.tenant-access")]
public sealed record TenantAccess(
    [property: Id(0)] string OrganizationStatus,
    [property: Id(1)] string WorkspaceStatus,
    [property: Id(2)] QuotaPolicy? Quota = null,
    [property: Id(3)] IReadOnlyList<string>? Managers = null);

/// <summary>Statuses of organizations, workspaces and members.</summary>
public static class TenantStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Archived = "archived";
    public static readonly IReadOnlySet<string> Organization = new HashSet<string> { Pending, Active, Suspended, Archived };
    public static readonly IReadOnlySet<string> Workspace = new HashSet<string> { Active, Suspended, Archived };
    public static readonly IReadOnlySet<string> Environments = new HashSet<string> { "sandbox", "staging", "production" };
}

/// <summary>Member roles and statuses of the gateway (MemberAddRequest).</summary>
public static class MemberRoles
{
    public const string Owner = "org_owner";
    public const string Admin = "org_admin";
    public const string WorkspaceAdmin = "workspace_admin";
    public static readonly IReadOnlySet<string> All =
        new HashSet<string> { Owner, Admin, WorkspaceAdmin, "member", "billing_viewer", "security_auditor" };
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string> { "active", "invited", "suspended", "removed" };
}
