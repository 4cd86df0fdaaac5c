using System.Text.Json;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- organizations, workspaces and members (PROTOCOL §12; docs/adr/026) ----

    /// <summary>Creates an organization; its requester becomes its org_owner member (POST /v1/organizations, admin key).</summary>
    /// <param name="request">Name, requester, optional id (default: the name's slug), legal name, domain and metadata.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<OrganizationResponse> CreateOrganizationAsync(OrganizationCreateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<OrganizationResponse>(await PostAsync("v1/organizations", JsonSerializer.SerializeToNode(request, AxpJson.Info<OrganizationCreateRequest>()), ct));

    /// <summary>The organizations the key may see: every one for an admin key, else its own (GET /v1/organizations).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<OrganizationList> ListOrganizationsAsync(CancellationToken ct = default) =>
        ContractJson.Read<OrganizationList>(await GetAsync("v1/organizations", ct));

    /// <summary>An organization with its workspace and member counts (GET /v1/organizations/{id}).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<OrganizationResponse> GetOrganizationAsync(string orgId, CancellationToken ct = default) =>
        ContractJson.Read<OrganizationResponse>(await GetAsync($"v1/organizations/{Seg(orgId)}", ct));

    /// <summary>Changes an organization: names, metadata, or its status (PATCH /v1/organizations/{id}).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="request">What changes.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<OrganizationResponse> UpdateOrganizationAsync(string orgId, OrganizationUpdateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<OrganizationResponse>(await SendAsync(HttpMethod.Patch, $"v1/organizations/{Seg(orgId)}",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<OrganizationUpdateRequest>()), null, ct));

    /// <summary>Creates a workspace of an organization (POST /v1/organizations/{id}/workspaces).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="request">Name, environment, region and optional id (default: the name's slug).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WorkspaceResponse> CreateWorkspaceAsync(string orgId, WorkspaceCreateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<WorkspaceResponse>(await PostAsync($"v1/organizations/{Seg(orgId)}/workspaces",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<WorkspaceCreateRequest>()), ct));

    /// <summary>An organization's workspaces, oldest first (GET /v1/organizations/{id}/workspaces).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WorkspaceList> ListWorkspacesAsync(string orgId, CancellationToken ct = default) =>
        ContractJson.Read<WorkspaceList>(await GetAsync($"v1/organizations/{Seg(orgId)}/workspaces", ct));

    /// <summary>Changes a workspace; status suspended or archived refuses its keys (PATCH …/workspaces/{id}).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="workspaceId">The workspace.</param>
    /// <param name="request">What changes.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<WorkspaceResponse> UpdateWorkspaceAsync(string orgId, string workspaceId, WorkspaceUpdateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<WorkspaceResponse>(await SendAsync(HttpMethod.Patch, $"v1/organizations/{Seg(orgId)}/workspaces/{Seg(workspaceId)}",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<WorkspaceUpdateRequest>()), null, ct));

    /// <summary>An organization's members (GET /v1/organizations/{id}/members).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="workspaceId">Only those of this workspace (and the organization-wide ones), or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberList> ListMembersAsync(string orgId, string? workspaceId = null, CancellationToken ct = default) =>
        ContractJson.Read<MemberList>(await GetAsync($"v1/organizations/{Seg(orgId)}/members" + Query(("workspace_id", workspaceId)), ct));

    /// <summary>Adds a member with a role (POST /v1/organizations/{id}/members).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="request">Actor, role and optional workspace.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberResponse> AddMemberAsync(string orgId, MemberAddRequest request, CancellationToken ct = default) =>
        ContractJson.Read<MemberResponse>(await PostAsync($"v1/organizations/{Seg(orgId)}/members",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<MemberAddRequest>()), ct));

    /// <summary>Changes a member's role or status (PATCH /v1/organizations/{id}/members/{member}).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="memberId">The membership.</param>
    /// <param name="request">New role and/or status.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberResponse> UpdateMemberAsync(string orgId, string memberId, MemberUpdateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<MemberResponse>(await SendAsync(HttpMethod.Patch, $"v1/organizations/{Seg(orgId)}/members/{Seg(memberId)}",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<MemberUpdateRequest>()), null, ct));

    /// <summary>Removes a member: its status becomes removed (DELETE /v1/organizations/{id}/members/{member}).</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="memberId">The membership.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberRemoved> RemoveMemberAsync(string orgId, string memberId, CancellationToken ct = default) =>
        ContractJson.Read<MemberRemoved>(await SendAsync(HttpMethod.Delete, $"v1/organizations/{Seg(orgId)}/members/{Seg(memberId)}", null, NewKey(), ct));

    /// <summary>Adds a member limited to a workspace (POST /v1/workspaces/{ws}/members/include, the CLI's `workspace members include`).</summary>
    /// <param name="workspaceId">The workspace.</param>
    /// <param name="request">Actor, role and the organization (default: the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberResponse> IncludeWorkspaceMemberAsync(string workspaceId, MemberAddRequest request, CancellationToken ct = default) =>
        ContractJson.Read<MemberResponse>(await PostAsync($"v1/workspaces/{Seg(workspaceId)}/members/include",
            JsonSerializer.SerializeToNode(request with { WorkspaceId = workspaceId }, AxpJson.Info<MemberAddRequest>()), ct));

    /// <summary>Removes a member limited to a workspace (DELETE /v1/workspaces/{ws}/members/{member}/exclude).</summary>
    /// <param name="workspaceId">The workspace.</param>
    /// <param name="memberId">The membership.</param>
    /// <param name="orgId">The organization (default: the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MemberRemoved> ExcludeWorkspaceMemberAsync(string workspaceId, string memberId, string? orgId = null, CancellationToken ct = default) =>
        ContractJson.Read<MemberRemoved>(await SendAsync(HttpMethod.Delete,
            $"v1/workspaces/{Seg(workspaceId)}/members/{Seg(memberId)}/exclude" + Query(("org_id", orgId)), null, NewKey(), ct));
}
