using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Agents;
using Axme.Api.Health;
using Axme.Api.Http;
using Axme.Api.Humans;
using Axme.Api.Inbox;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Primitives;

namespace Axme.Api.Mcp;

/// <summary>The tools of organizations, workspaces and members (docs/adr/026), on the REST operations; audited like their routes.</summary>
public static partial class McpTools
{
    /// <summary>The organization a tenancy tool is about: org_id, else the caller's.</summary>
    private static string Org(McpCall c) => c.Args.String("org_id", 255) ?? c.Caller.OrgId;

    /// <summary>A method, not a field: the tool list of McpTools.cs reads it while its own field is initialised.</summary>
    private static McpTool[] TenancyTools() =>
    [
        new("axme.organizations_list", "The organizations the key may see: every one for an admin key, else its own", [], [Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.ListOrganizationsAsync(c.Grains, c.Caller))),
        new("axme.organizations_get", "An organization with its workspace and member counts", [], [OrgId, Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.GetOrganizationAsync(c.Grains, c.Caller, Org(c)))),
        new("axme.organizations_create", "Create an organization (admin keys); its requester becomes its org_owner member", ["name"],
            [("name", "string", "its name, 2-120 characters"), ("org_id", "string", "its id, a-z 0-9 . _ - (default: the name's slug)"),
             ("requested_by_actor_id", "string", "its first owner (default: the caller's account)"), ("legal_name", "string", "legal name"),
             ("primary_domain", "string", "primary domain"), ("metadata", "object", "free-form facts"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.CreateOrganizationAsync(c.Grains, c.Caller, c.Args))) { Audit = ("organization.create", "organization", null) },
        new("axme.organizations_update", "Change an organization: name, legal name, domain, metadata, or status (suspended refuses its keys)", [],
            [OrgId, ("name", "string", "new name"), ("legal_name", "string", "new legal name"), ("primary_domain", "string", "new domain"),
             ("status", "string", "pending, active, suspended or archived"), ("metadata", "object", "new free-form facts"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.UpdateOrganizationAsync(c.Grains, c.Caller, Org(c), c.Args))) { Audit = ("organization.update", "organization", "org_id") },
        new("axme.workspaces_list", "An organization's workspaces, oldest first", [], [OrgId, Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.ListWorkspacesAsync(c.Grains, c.Caller, Org(c)))),
        new("axme.workspaces_create", "Create a workspace of an organization", ["name", "environment"],
            [OrgId, ("name", "string", "its name, 2-120 characters"), ("workspace_id", "string", "its id (default: the name's slug)"),
             ("environment", "string", "sandbox, staging or production"), ("region", "string", "its region"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.CreateWorkspaceAsync(c.Grains, c.Caller, Org(c), c.Args))) { Audit = ("workspace.create", "organization", "org_id") },
        new("axme.workspaces_update", "Change a workspace: name, environment, region, or status (suspended refuses its keys; archived once no intent is live)",
            ["workspace_id"],
            [OrgId, ("workspace_id", "string", "the workspace"), ("name", "string", "new name"), ("environment", "string", "sandbox, staging or production"),
             ("region", "string", "new region"), ("status", "string", "active, suspended or archived"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.UpdateWorkspaceAsync(c.Grains, c.Services.GetRequiredService<IntentQueries>(), c.Caller,
                Org(c), c.Args.String("workspace_id", 255, required: true)!, c.Args, c.Aborted))) { Audit = ("workspace.update", "workspace", "workspace_id") },
        new("axme.members_list", "An organization's members (with workspace_id: that workspace's and the organization-wide ones)", [],
            [OrgId, ("workspace_id", "string", "only this workspace's"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.ListMembersAsync(c.Grains, c.Caller, Org(c), c.Args.String("workspace_id", 255)))),
        new("axme.members_add", "Add a member with a role (admin keys, org owners and admins)", ["actor_id", "role"],
            [OrgId, ("actor_id", "string", "the person's account id"),
             ("role", "string", "org_owner, org_admin, workspace_admin, member, billing_viewer or security_auditor"),
             ("workspace_id", "string", "limit the membership to this workspace"), Owner],
            async c => AxpJson.Node((await Tenancy.TenancyOperations.AddMemberAsync(c.Grains, c.Caller, Org(c), c.Args)).Member)) { Audit = ("member.add", "organization", "org_id") },
        new("axme.members_update", "Change a member's role or status (the last org_owner stays)", ["member_id"],
            [OrgId, ("member_id", "string", "the membership (mem_…)"), ("role", "string", "new role"), ("status", "string", "active, invited, suspended or removed"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.UpdateMemberAsync(c.Grains, c.Caller, Org(c),
                c.Args.String("member_id", 255, required: true)!, c.Args))) { Audit = ("member.update", "member", "member_id") },
        new("axme.members_remove", "Remove a member (its status becomes removed)", ["member_id"],
            [OrgId, ("member_id", "string", "the membership (mem_…)"), Owner],
            async c => AxpJson.Node(await Tenancy.TenancyOperations.RemoveMemberAsync(c.Grains, c.Caller, Org(c), c.Args.String("member_id", 255, required: true)!))) { Audit = ("member.remove", "member", "member_id") }
    ];
}
