using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// One organization (key: its org_id) with its workspaces and members (docs/adr/026): one grain holds all three, so
/// the rules that span them (an organization archives only once its workspaces are archived; a workspace exists only
/// in an organization) are checked in one place, and a request's tenant check is one call.
/// </summary>
[Alias("axme.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization with its requester as owner; 409 organization_exists when the id is taken.</summary>
    [Alias("Create")]
    Task<OrganizationView> CreateAsync(CreateOrganizationCommand command);

    /// <summary>The organization and its counts; 404 when there is none.</summary>
    [Alias("Get"), ReadOnly]
    Task<OrganizationView> GetAsync();

    /// <summary>The organization or null (listings skip ids without one).</summary>
    [Alias("Find"), ReadOnly]
    Task<OrganizationView?> FindAsync();

    /// <summary>Changes what the command names; archiving needs every workspace archived first (409).</summary>
    [Alias("Update")]
    Task<OrganizationView> UpdateAsync(UpdateOrganizationCommand command);

    /// <summary>Creates a workspace; 409 workspace_exists when the id is taken, 409 when the organization is not active.</summary>
    [Alias("CreateWorkspace")]
    Task<WorkspaceRecord> CreateWorkspaceAsync(CreateWorkspaceCommand command);

    /// <summary>The organization's workspaces, oldest first.</summary>
    [Alias("ListWorkspaces"), ReadOnly]
    Task<IReadOnlyList<WorkspaceRecord>> ListWorkspacesAsync();

    /// <summary>One workspace; 404 when there is none.</summary>
    [Alias("GetWorkspace"), ReadOnly]
    Task<WorkspaceRecord> GetWorkspaceAsync(string workspaceId);

    /// <summary>Changes what the command names (the caller checked that an archive leaves no live work behind).</summary>
    [Alias("UpdateWorkspace")]
    Task<WorkspaceRecord> UpdateWorkspaceAsync(string workspaceId, UpdateWorkspaceCommand command);

    /// <summary>
    /// Where new accounts and intents may go: the workspace must exist and be active, as must its organization
    /// (404 workspace_not_found, 409 workspace_suspended / workspace_archived / organization_…).
    /// </summary>
    [Alias("RequireActiveWorkspace"), ReadOnly]
    Task RequireActiveWorkspaceAsync(string workspaceId);

    /// <summary>The statuses a request's authentication checks, or null when the workspace is unknown here.</summary>
    [Alias("Access"), ReadOnly]
    Task<TenantAccess?> AccessAsync(string workspaceId);

    /// <summary>
    /// Records a workspace that exists from before workspaces were resources (accounts in it, no record), and its
    /// organization if that has none either: active, named by its id. Known ones are left as they are.
    /// </summary>
    [Alias("Adopt")]
    Task AdoptWorkspaceAsync(string workspaceId, string actor);

    /// <summary>The quota policy an admin set for a workspace, or null while it has the node's defaults (404 when there is no such workspace).</summary>
    [Alias("GetQuota"), ReadOnly]
    Task<QuotaPolicy?> GetQuotaAsync(string workspaceId);

    /// <summary>Merges the dimensions and settings given into the workspace's quota policy (docs/adr/029).</summary>
    [Alias("SetQuota")]
    Task<QuotaPolicy> SetQuotaAsync(string workspaceId, QuotaPolicy patch);

    /// <summary>Adds a member (the same actor with the same workspace scope is returned as it is).</summary>
    [Alias("AddMember")]
    Task<(MemberRecord Member, bool Created)> AddMemberAsync(AddMemberCommand command);

    /// <summary>Members, optionally only those of one workspace (and the organization-wide ones), without removed ones.</summary>
    [Alias("ListMembers"), ReadOnly]
    Task<IReadOnlyList<MemberRecord>> ListMembersAsync(string? workspaceId);

    /// <summary>Changes a member's role or status; the last active owner cannot be demoted or removed (409).</summary>
    [Alias("UpdateMember")]
    Task<MemberRecord> UpdateMemberAsync(string memberId, string? role, string? status);
}

/// <summary>Every organization of the node (key: "all"), for GET /v1/organizations.</summary>
[Alias("axme.IOrganizationDirectoryGrain")]
public interface IOrganizationDirectoryGrain : IGrainWithStringKey
{
    const string Key = "all";

    /// <summary>Lists an organization (idempotent).</summary>
    [Alias("Add")]
    Task AddAsync(string orgId);

    /// <summary>Organization ids in the order they were created.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Whether the start-up adoption of older databases' workspaces and people has run (it runs once).</summary>
    [Alias("Adopted"), ReadOnly]
    Task<bool> AdoptedAsync();

    /// <summary>Records that the adoption ran.</summary>
    [Alias("MarkAdopted")]
    Task MarkAdoptedAsync();
}
