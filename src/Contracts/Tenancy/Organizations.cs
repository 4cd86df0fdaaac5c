using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>POST /v1/organizations (docs/adr/026): the id is the canonical form of org_id, or of the name when none is given.</summary>
public sealed record OrganizationCreateRequest
{
    /// <summary>What people read, 2-120 characters.</summary>
    public required string Name { get; init; }
    /// <summary>The actor who asked: the organization's first member, its org_owner (default: the caller's account).</summary>
    public string? RequestedByActorId { get; init; }
    /// <summary>Its legal name.</summary>
    public string? LegalName { get; init; }
    /// <summary>Its primary e-mail/web domain.</summary>
    public string? PrimaryDomain { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public JsonObject? Metadata { get; init; }
    /// <summary>The node's extension: the id (a canonical name, the first segment of its agents' addresses); default the name's slug.</summary>
    public string? OrgId { get; init; }
}

/// <summary>PATCH /v1/organizations/{org_id}: members given are changed, others kept.</summary>
public sealed record OrganizationUpdateRequest
{
    /// <summary>The organization (the path's; when given it must be the same).</summary>
    public string? OrgId { get; init; }
    /// <summary>A new name.</summary>
    public string? Name { get; init; }
    /// <summary>A new legal name.</summary>
    public string? LegalName { get; init; }
    /// <summary>A new primary domain.</summary>
    public string? PrimaryDomain { get; init; }
    /// <summary>pending, active, suspended (its keys are refused) or archived (once every workspace is archived).</summary>
    public string? Status { get; init; }
    /// <summary>New free-form facts (replaces them).</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>An organization.</summary>
public sealed record Organization
{
    /// <summary>Its id: a canonical name, the first segment of its agents' addresses.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its legal name.</summary>
    public required string? LegalName { get; init; }
    /// <summary>Its primary domain.</summary>
    public required string? PrimaryDomain { get; init; }
    /// <summary>pending, active, suspended or archived.</summary>
    public required string Status { get; init; }
    /// <summary>Free-form facts about it.</summary>
    public required JsonObject Metadata { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>How many workspaces it has (GET and PATCH; absent from the create answer, as the gateway's schema has it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WorkspacesCount { get; init; }
    /// <summary>How many active members it has (as <see cref="WorkspacesCount"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MembersCount { get; init; }
}

/// <summary>POST, GET and PATCH of an organization.</summary>
public sealed record OrganizationResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The organization.</summary>
    public required Organization Organization { get; init; }
}

/// <summary>GET /v1/organizations (the node's extension): the organizations the caller may see, oldest first.</summary>
public sealed record OrganizationList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The organizations.</summary>
    public required IReadOnlyList<Organization> Organizations { get; init; }
}

/// <summary>POST /v1/organizations/{org_id}/workspaces.</summary>
public sealed record WorkspaceCreateRequest
{
    /// <summary>The organization (the path's; when given it must be the same).</summary>
    public string? OrgId { get; init; }
    /// <summary>What people read, 2-120 characters.</summary>
    public required string Name { get; init; }
    /// <summary>sandbox, staging or production.</summary>
    public required string Environment { get; init; }
    /// <summary>Its region, 2-64 characters.</summary>
    public string? Region { get; init; }
    /// <summary>The node's extension: the id (a canonical name, the second segment of its agents' addresses); default the name's slug.</summary>
    public string? WorkspaceId { get; init; }
}

/// <summary>PATCH /v1/organizations/{org_id}/workspaces/{workspace_id}: members given are changed, others kept.</summary>
public sealed record WorkspaceUpdateRequest
{
    /// <summary>The organization (the path's; when given it must be the same).</summary>
    public string? OrgId { get; init; }
    /// <summary>The workspace (the path's; when given it must be the same).</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>A new name.</summary>
    public string? Name { get; init; }
    /// <summary>sandbox, staging or production.</summary>
    public string? Environment { get; init; }
    /// <summary>A new region.</summary>
    public string? Region { get; init; }
    /// <summary>active, suspended (its keys are refused) or archived (only without live intents).</summary>
    public string? Status { get; init; }
}

/// <summary>A workspace of an organization.</summary>
public sealed record WorkspaceResource
{
    /// <summary>Its id: a canonical name, the second segment of its agents' addresses.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>sandbox, staging or production.</summary>
    public required string Environment { get; init; }
    /// <summary>active, suspended or archived.</summary>
    public required string Status { get; init; }
    /// <summary>Its region.</summary>
    public required string? Region { get; init; }
    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>POST and PATCH of a workspace, and GET of one (the node's extension).</summary>
public sealed record WorkspaceResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The workspace.</summary>
    public required WorkspaceResource Workspace { get; init; }
}

/// <summary>GET /v1/organizations/{org_id}/workspaces, oldest first.</summary>
public sealed record WorkspaceList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The workspaces.</summary>
    public required IReadOnlyList<WorkspaceResource> Workspaces { get; init; }
}

/// <summary>POST /v1/organizations/{org_id}/members.</summary>
public sealed record MemberAddRequest
{
    /// <summary>The organization (the path's; when given it must be the same).</summary>
    public string? OrgId { get; init; }
    /// <summary>The actor: a person's account id (or whatever id the organization uses for them).</summary>
    public required string ActorId { get; init; }
    /// <summary>org_owner, org_admin, workspace_admin, member, billing_viewer or security_auditor.</summary>
    public required string Role { get; init; }
    /// <summary>The workspace the membership is limited to; none for the whole organization.</summary>
    public string? WorkspaceId { get; init; }
}

/// <summary>PATCH /v1/organizations/{org_id}/members/{member_id}.</summary>
public sealed record MemberUpdateRequest
{
    /// <summary>The organization (the path's; when given it must be the same).</summary>
    public string? OrgId { get; init; }
    /// <summary>The membership (the path's; when given it must be the same).</summary>
    public string? MemberId { get; init; }
    /// <summary>A new role.</summary>
    public string? Role { get; init; }
    /// <summary>active, invited, suspended or removed.</summary>
    public string? Status { get; init; }
}

/// <summary>A member of an organization.</summary>
public sealed record OrganizationMember
{
    /// <summary>The membership's id.</summary>
    public required string MemberId { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace it is limited to, or null.</summary>
    public required string? WorkspaceId { get; init; }
    /// <summary>The actor.</summary>
    public required string ActorId { get; init; }
    /// <summary>Its role.</summary>
    public required string Role { get; init; }
    /// <summary>active, invited, suspended or removed.</summary>
    public required string Status { get; init; }
    /// <summary>When it was added.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>POST and PATCH of a member.</summary>
public sealed record MemberResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The member.</summary>
    public required OrganizationMember Member { get; init; }
}

/// <summary>GET /v1/organizations/{org_id}/members[?workspace_id=]: without removed members.</summary>
public sealed record MemberList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The members.</summary>
    public required IReadOnlyList<OrganizationMember> Members { get; init; }
}

/// <summary>DELETE /v1/organizations/{org_id}/members/{member_id}: the membership's status is now removed.</summary>
public sealed record MemberRemoved
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Always true.</summary>
    public bool Removed { get; init; } = true;
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The membership.</summary>
    public required string MemberId { get; init; }
    /// <summary>When it was removed.</summary>
    public required DateTimeOffset RemovedAt { get; init; }
}
