using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Tenancy;

/// <summary>
/// Organizations, their workspaces and members as resources (PROTOCOL §12 "Organizations &amp; workspaces", "Members";
/// docs/adr/026). A workspace must exist, and be active, before accounts can be made in it.
/// </summary>
public static class TenancyEndpoints
{
    public static RouteGroupBuilder MapTenancyEndpoints(this RouteGroupBuilder v1)
    {
        var orgs = v1.MapGroup("/organizations").WithTags("Organizations");
        orgs.MapPost("", CreateOrganization).Accepts<OrganizationCreateRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreateOrganization").WithSummary("Create an organization (admin key); its requester becomes its org_owner member").Audit("organization.create", "organization");
        orgs.MapGet("", ListOrganizations).WithName("ListOrganizations").WithSummary("The organizations the key may see: all for an admin key, else its own");
        orgs.MapGet("/{org_id}", GetOrganization).WithName("GetOrganization").WithSummary("An organization with its workspace and member counts");
        orgs.MapPatch("/{org_id}", UpdateOrganization).Accepts<OrganizationUpdateRequest>("application/json").WithName("UpdateOrganization")
            .WithSummary("Change an organization; suspended or archived (once its workspaces are) refuses its keys").Audit("organization.update", "organization", "org_id");

        orgs.MapPost("/{org_id}/workspaces", CreateWorkspace).Accepts<WorkspaceCreateRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreateWorkspace").WithSummary("Create a workspace of the organization; its id is the second segment of its agents' addresses").Audit("workspace.create", "workspace");
        orgs.MapGet("/{org_id}/workspaces", ListWorkspaces).WithName("ListWorkspaces").WithSummary("The organization's workspaces, oldest first");
        orgs.MapGet("/{org_id}/workspaces/{workspace_id}", GetWorkspace).WithName("GetWorkspace").WithSummary("One workspace");
        orgs.MapPatch("/{org_id}/workspaces/{workspace_id}", UpdateWorkspace).Accepts<WorkspaceUpdateRequest>("application/json")
            .WithName("UpdateWorkspace").WithSummary("Change a workspace; suspended refuses its keys, archived too (only once it has no live intents)").Audit("workspace.update", "workspace", "workspace_id");

        orgs.MapGet("/{org_id}/members", ListMembers).WithName("ListMembers").WithSummary("The organization's members (?workspace_id: those of one workspace and the organization-wide ones)");
        orgs.MapPost("/{org_id}/members", AddMember).Accepts<MemberAddRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("AddMember").WithSummary("Add a member with a role (admin key or org_owner/org_admin member)").Audit("member.add", "member");
        orgs.MapPatch("/{org_id}/members/{member_id}", UpdateMember).Accepts<MemberUpdateRequest>("application/json").WithName("UpdateMember")
            .WithSummary("Change a member's role or status; the last org_owner stays").Audit("member.update", "member", "member_id");
        orgs.MapDelete("/{org_id}/members/{member_id}", RemoveMember).WithName("RemoveMember").WithSummary("Remove a member (its status becomes removed)").Audit("member.remove", "member", "member_id");
        // The CLI's workspace members include/exclude (PROTOCOL §11.2): members limited to one workspace.
        var workspaces = v1.MapGroup("/workspaces/{workspace_id}/members").WithTags("Organizations");
        workspaces.MapPost("/include", Include).Accepts<MemberAddRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("IncludeWorkspaceMember").WithSummary("Add a member limited to this workspace (body org_id: default the caller's organization)")
            .Audit("member.add", "member");
        workspaces.MapDelete("/{member_id}/exclude", Exclude).WithName("ExcludeWorkspaceMember")
            .WithSummary("Remove a member limited to this workspace (?org_id: default the caller's organization)").Audit("member.remove", "member", "member_id");
        return v1;
    }

    public static async Task<Ok<MemberResponse>> Include(HttpContext http, string workspace_id, IGrainFactory grains) =>
        TypedResults.Ok((await TenancyOperations.IncludeAsync(grains, ApiKeyAuthFilter.CallerOf(http), workspace_id, await RequestBody.ReadAsync(http))).Member);

    public static async Task<Ok<MemberRemoved>> Exclude(HttpContext http, string workspace_id, string member_id, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return TypedResults.Ok(await TenancyOperations.ExcludeAsync(grains, caller, Query.String(http.Request, "org_id") ?? caller.OrgId, workspace_id, member_id));
    }

    public static async Task<Ok<OrganizationResponse>> CreateOrganization(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.CreateOrganizationAsync(grains, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<OrganizationList>> ListOrganizations(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.ListOrganizationsAsync(grains, ApiKeyAuthFilter.CallerOf(http)));

    public static async Task<Ok<OrganizationResponse>> GetOrganization(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.GetOrganizationAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id));

    public static async Task<Ok<OrganizationResponse>> UpdateOrganization(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.UpdateOrganizationAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<WorkspaceResponse>> CreateWorkspace(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.CreateWorkspaceAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<WorkspaceList>> ListWorkspaces(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.ListWorkspacesAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id));

    public static async Task<Ok<WorkspaceResponse>> GetWorkspace(HttpContext http, string org_id, string workspace_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.GetWorkspaceAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, workspace_id));

    public static async Task<Ok<WorkspaceResponse>> UpdateWorkspace(HttpContext http, string org_id, string workspace_id, IGrainFactory grains,
        IntentQueries intents) =>
        TypedResults.Ok(await TenancyOperations.UpdateWorkspaceAsync(grains, intents, ApiKeyAuthFilter.CallerOf(http), org_id, workspace_id,
            await RequestBody.ReadAsync(http), http.RequestAborted));

    public static async Task<Ok<MemberList>> ListMembers(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.ListMembersAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, Query.String(http.Request, "workspace_id")));

    public static async Task<Ok<MemberResponse>> AddMember(HttpContext http, string org_id, IGrainFactory grains) =>
        TypedResults.Ok((await TenancyOperations.AddMemberAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, await RequestBody.ReadAsync(http))).Member);

    public static async Task<Ok<MemberResponse>> UpdateMember(HttpContext http, string org_id, string member_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.UpdateMemberAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, member_id, await RequestBody.ReadAsync(http)));

    public static async Task<Ok<MemberRemoved>> RemoveMember(HttpContext http, string org_id, string member_id, IGrainFactory grains) =>
        TypedResults.Ok(await TenancyOperations.RemoveMemberAsync(grains, ApiKeyAuthFilter.CallerOf(http), org_id, member_id));
}
