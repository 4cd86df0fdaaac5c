using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Api.Tenancy;

/// <summary>
/// Organizations, workspaces and members (docs/adr/026), shared by the REST routes and the MCP tools. Reading needs a
/// key of the organization (or an admin key); changing needs an admin key or an active org_owner/org_admin member.
/// </summary>
public static class TenancyOperations
{
    private static readonly HashSet<string> ManagerRoles = [MemberRoles.Owner, MemberRoles.Admin];

    public static async Task<OrganizationResponse> CreateOrganizationAsync(IGrainFactory grains, Caller caller, RequestBody body)
    {
        if (!caller.IsAdmin) throw ProtocolException.Forbidden("creating an organization needs an admin key");
        var name = Name(body, required: true)!;
        var orgId = Id(body, "org_id", name);
        var view = await grains.GetGrain<IOrganizationGrain>(orgId).CreateAsync(new CreateOrganizationCommand
        {
            Name = name,
            LegalName = Text(body, "legal_name", 2, 255),
            PrimaryDomain = Text(body, "primary_domain", 3, 255),
            MetadataJson = body.Object("metadata") ?? "{}",
            // The gateway requires it; a key without a person behind it is its own first owner.
            RequestedByActorId = body.String("requested_by_actor_id", 255) ?? caller.ServiceAccountId,
            CreatedBy = caller.ServiceAccountId,
        });
        return new OrganizationResponse { Organization = Wire(view) with { WorkspacesCount = null, MembersCount = null } };
    }

    public static async Task<OrganizationList> ListOrganizationsAsync(IGrainFactory grains, Caller caller)
    {
        IReadOnlyList<string> ids = caller.IsAdmin
            ? await grains.GetGrain<IOrganizationDirectoryGrain>(IOrganizationDirectoryGrain.Key).ListAsync()
            : [caller.OrgId];
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IOrganizationGrain>(id).FindAsync()));
        return new OrganizationList { Organizations = [.. views.OfType<OrganizationView>().Select(Wire)] };
    }

    public static async Task<OrganizationResponse> GetOrganizationAsync(IGrainFactory grains, Caller caller, string orgId) =>
        new() { Organization = Wire(await (await Readable(grains, caller, orgId)).GetAsync()) };

    public static async Task<OrganizationResponse> UpdateOrganizationAsync(IGrainFactory grains, Caller caller, string orgId, RequestBody body)
    {
        var org = await Managed(grains, caller, orgId);
        SameAsPath(body, "org_id", Canonical(orgId));
        var view = await org.UpdateAsync(new UpdateOrganizationCommand
        {
            Name = Name(body, required: false),
            LegalName = Text(body, "legal_name", 2, 255),
            PrimaryDomain = Text(body, "primary_domain", 3, 255),
            Status = OneOf(body, "status", TenantStatus.Organization),
            MetadataJson = body.Object("metadata"),
        });
        return new OrganizationResponse { Organization = Wire(view) };
    }

    public static async Task<WorkspaceResponse> CreateWorkspaceAsync(IGrainFactory grains, Caller caller, string orgId, RequestBody body)
    {
        var org = await Managed(grains, caller, orgId);
        SameAsPath(body, "org_id", Canonical(orgId));
        var name = Name(body, required: true)!;
        var workspace = await org.CreateWorkspaceAsync(new CreateWorkspaceCommand
        {
            WorkspaceId = Id(body, "workspace_id", name),
            Name = name,
            Environment = OneOf(body, "environment", TenantStatus.Environments)
                          ?? throw ProtocolException.Invalid("environment", "environment is required: sandbox, staging or production", "missing_field"),
            Region = Text(body, "region", 2, 64),
        });
        return new WorkspaceResponse { Workspace = Wire(workspace) };
    }

    public static async Task<WorkspaceList> ListWorkspacesAsync(IGrainFactory grains, Caller caller, string orgId) =>
        new() { Workspaces = [.. (await (await Readable(grains, caller, orgId)).ListWorkspacesAsync()).Select(Wire)] };

    public static async Task<WorkspaceResponse> GetWorkspaceAsync(IGrainFactory grains, Caller caller, string orgId, string workspaceId) =>
        new() { Workspace = Wire(await (await Readable(grains, caller, orgId)).GetWorkspaceAsync(TenantNames.Canonical(workspaceId, "workspace_id"))) };

    /// <summary>
    /// Archiving is refused while the workspace has live intents (created in it or addressed to its accounts): they would
    /// be left where no key of the workspace can act on them. Suspending is allowed at any time (and undone by active).
    /// </summary>
    public static async Task<WorkspaceResponse> UpdateWorkspaceAsync(IGrainFactory grains, IntentQueries intents, Caller caller, string orgId,
        string workspaceId, RequestBody body, CancellationToken ct)
    {
        var org = await Managed(grains, caller, orgId);
        var ws = TenantNames.Canonical(workspaceId, "workspace_id");
        SameAsPath(body, "org_id", Canonical(orgId));
        SameAsPath(body, "workspace_id", ws);
        var current = await org.GetWorkspaceAsync(ws);
        var command = new UpdateWorkspaceCommand
        {
            Name = Name(body, required: false),
            Environment = OneOf(body, "environment", TenantStatus.Environments),
            Region = Text(body, "region", 2, 64),
            Status = OneOf(body, "status", TenantStatus.Workspace),
        };
        if (command.Status == TenantStatus.Archived && current.Status != TenantStatus.Archived)
        {
            var accounts = await WorkspaceDirectory.PageAsync(grains, current.OrgId, ws, _ => true, null, WorkspaceDirectory.MaxLimit);
            var live = await intents.LiveAsync(current.OrgId, ws, [.. accounts.Accounts.Select(a => a.AgentAddress)], 5, ct);
            if (live.Count > 0)
                throw new ProtocolException(409, "workspace_has_live_intents",
                    $"workspace {current.OrgId}/{ws} still has live intents (e.g. {string.Join(", ", live)}): let them finish or cancel them, or suspend it instead",
                    new Dictionary<string, string> { ["intent_ids"] = string.Join(",", live) });
        }
        return new WorkspaceResponse { Workspace = Wire(await org.UpdateWorkspaceAsync(ws, command)) };
    }

    public static async Task<MemberList> ListMembersAsync(IGrainFactory grains, Caller caller, string orgId, string? workspaceId) =>
        new()
        {
            Members = [.. (await (await Readable(grains, caller, orgId)).ListMembersAsync(workspaceId is null ? null : TenantNames.Canonical(workspaceId, "workspace_id")))
                .Select(Wire)],
        };

    public static async Task<(MemberResponse Member, bool Created)> AddMemberAsync(IGrainFactory grains, Caller caller, string orgId, RequestBody body,
        string? workspaceId = null)
    {
        var org = await Managed(grains, caller, orgId);
        SameAsPath(body, "org_id", Canonical(orgId));
        if (workspaceId is not null) SameAsPath(body, "workspace_id", workspaceId);
        var (member, created) = await org.AddMemberAsync(new AddMemberCommand
        {
            ActorId = body.String("actor_id", 255, required: true)!,
            Role = OneOf(body, "role", MemberRoles.All) ?? throw ProtocolException.Invalid("role", "role is required", "missing_field"),
            WorkspaceId = workspaceId ?? (body.String("workspace_id", 255) is { } ws ? TenantNames.Canonical(ws, "workspace_id") : null),
        });
        return (new MemberResponse { Member = Wire(member) }, created);
    }

    /// <summary>POST /v1/workspaces/{ws}/members/include (the CLI's workspace members include): a member of that workspace.</summary>
    public static Task<(MemberResponse Member, bool Created)> IncludeAsync(IGrainFactory grains, Caller caller, string workspaceId, RequestBody body) =>
        AddMemberAsync(grains, caller, body.String("org_id", 255) ?? caller.OrgId, body, TenantNames.Canonical(workspaceId, "workspace_id"));

    /// <summary>DELETE /v1/workspaces/{ws}/members/{member}/exclude: removes a member of that workspace (an organization-wide one: 409).</summary>
    public static async Task<MemberRemoved> ExcludeAsync(IGrainFactory grains, Caller caller, string orgId, string workspaceId, string memberId)
    {
        var ws = TenantNames.Canonical(workspaceId, "workspace_id");
        var org = await Managed(grains, caller, orgId);
        var member = (await org.ListMembersAsync(ws)).FirstOrDefault(m => m.MemberId == memberId) ?? throw ProtocolException.NotFound("member", memberId);
        if (member.WorkspaceId != ws)
            throw ProtocolException.Conflict("member_not_in_workspace", $"{memberId} is a member of the whole organization: remove it with DELETE /v1/organizations/{Canonical(orgId)}/members/{memberId}");
        return await RemoveMemberAsync(grains, caller, orgId, memberId);
    }

    public static async Task<MemberResponse> UpdateMemberAsync(IGrainFactory grains, Caller caller, string orgId, string memberId, RequestBody body)
    {
        var org = await Managed(grains, caller, orgId);
        SameAsPath(body, "org_id", Canonical(orgId));
        if (body.String("member_id", 255) is { } named && named != memberId)
            throw ProtocolException.Invalid("member_id", "member_id in the body names another member than the path");
        var role = OneOf(body, "role", MemberRoles.All);
        var status = OneOf(body, "status", MemberRoles.Statuses);
        return new MemberResponse { Member = Wire(await org.UpdateMemberAsync(memberId, role, status)) };
    }

    /// <summary>DELETE of a member: its status becomes removed (the record stays, for the audit of who had access).</summary>
    public static async Task<MemberRemoved> RemoveMemberAsync(IGrainFactory grains, Caller caller, string orgId, string memberId)
    {
        var member = await (await Managed(grains, caller, orgId)).UpdateMemberAsync(memberId, null, "removed");
        return new MemberRemoved { OrgId = member.OrgId, MemberId = member.MemberId, RemovedAt = member.UpdatedAt };
    }

    /// <summary>A body member that repeats the path (the gateway's schemas have them) must name the same thing.</summary>
    private static void SameAsPath(RequestBody body, string field, string path)
    {
        if (body.String(field, 255) is { } named && TenantNames.Canonical(named, field) != path)
            throw ProtocolException.Invalid(field, $"{field} in the body names another {field[..^3]} than the path");
    }

    /// <summary>
    /// A write an admin key aims at another workspace (schemas, templates, media) needs that workspace to exist and be
    /// active (docs/adr/026): 404 workspace_not_found, 409 when suspended or archived. The caller's own always exists.
    /// </summary>
    public static async Task RequireWorkspaceAsync(IGrainFactory grains, Caller caller, (string OrgId, string WorkspaceId) workspace)
    {
        if (workspace == (caller.OrgId, caller.WorkspaceId)) return;
        await grains.GetGrain<IOrganizationGrain>(workspace.OrgId).RequireActiveWorkspaceAsync(workspace.WorkspaceId);
    }

    private static string Canonical(string orgId) => TenantNames.Canonical(orgId, "org_id");

    /// <summary>
    /// The organization when the caller may read it: a key of it, an active member's (a person it admitted from another
    /// organization: an access request, docs/adr/030), or an admin key; another organization is 403.
    /// </summary>
    private static async Task<IOrganizationGrain> Readable(IGrainFactory grains, Caller caller, string orgId)
    {
        var org = Canonical(orgId);
        var grain = grains.GetGrain<IOrganizationGrain>(org);
        return caller.IsAdmin || caller.OrgId == org || (await MembershipsAsync(grain, caller)).Count > 0 ? grain : throw AnotherTenants(org);
    }

    /// <summary>The organization when the caller may change it: an admin key, or an active org_owner/org_admin member's key.</summary>
    private static async Task<IOrganizationGrain> Managed(IGrainFactory grains, Caller caller, string orgId)
    {
        var org = Canonical(orgId);
        var grain = grains.GetGrain<IOrganizationGrain>(org);
        if (caller.IsAdmin) return grain;
        var mine = await MembershipsAsync(grain, caller); // read once: whether it may read the organization, and change it
        if (caller.OrgId != org && mine.Count == 0) throw AnotherTenants(org);
        return mine.Any(Manages)
            ? grain
            : throw ProtocolException.Forbidden($"changing organization {org} needs an admin key or an org_owner/org_admin member's key");
    }

    /// <summary>Whether the caller manages an organization: an admin key, or an active organization-wide org_owner/org_admin member.</summary>
    public static async Task<bool> ManagesAsync(IGrainFactory grains, Caller caller, string orgId) =>
        caller.IsAdmin || (await MembershipsAsync(grains.GetGrain<IOrganizationGrain>(orgId), caller)).Any(Manages);

    private static bool Manages(MemberRecord m) => m.WorkspaceId is null && ManagerRoles.Contains(m.Role);

    private static ProtocolException AnotherTenants(string org) => ProtocolException.Forbidden($"organization {org} is another tenant's");

    /// <summary>The caller's active memberships of an organization (none when it does not exist).</summary>
    private static async Task<IReadOnlyList<MemberRecord>> MembershipsAsync(IOrganizationGrain org, Caller caller) =>
        await org.FindAsync() is null ? [] : [.. (await org.ListMembersAsync(null)).Where(m => m.ActorId == caller.ServiceAccountId && m.Status == "active")];

    private static string? Name(RequestBody body, bool required)
    {
        var name = body.String("name", 120, required: required)?.Trim();
        return name is { Length: < 2 } ? throw ProtocolException.Invalid("name", "name must be 2-120 characters") : name;
    }

    private static string? Text(RequestBody body, string field, int min, int max)
    {
        var value = body.String(field, max)?.Trim();
        return value is not null && value.Length < min ? throw ProtocolException.Invalid(field, $"{field} must be {min}-{max} characters") : value;
    }

    private static string? OneOf(RequestBody body, string field, IReadOnlySet<string> allowed)
    {
        var value = body.String(field, 64)?.Trim().ToLowerInvariant();
        return value is null || allowed.Contains(value)
            ? value
            : throw ProtocolException.Invalid(field, $"{field} must be one of {string.Join(", ", allowed.Order())}");
    }

    /// <summary>The id given (canonical), or the name's slug: a name without a usable slug needs an explicit id.</summary>
    private static string Id(RequestBody body, string field, string name) =>
        body.String(field, 255) is { } given ? TenantNames.Canonical(given, field) : Slug(name, field);

    /// <summary>A name's slug as an id (canonical); 422 invalid_name when it gives none.</summary>
    public static string Slug(string name, string field)
    {
        var slug = AgentAddress.Slug(name);
        slug = slug[..Math.Min(slug.Length, TenantNames.MaxLength)].TrimEnd('-');
        return TenantNames.IsCanonical(slug)
            ? slug
            : throw ProtocolException.Invalid(field, $"the name gives no usable id: pass {field} (a-z, 0-9, '.', '_' and '-')", "invalid_name");
    }

    public static Organization Wire(OrganizationView v) => new()
    {
        OrgId = v.Organization.OrgId, Name = v.Organization.Name, LegalName = v.Organization.LegalName, PrimaryDomain = v.Organization.PrimaryDomain,
        Status = v.Organization.Status, Metadata = JsonNode.Parse(v.Organization.MetadataJson)?.AsObject() ?? [],
        CreatedAt = v.Organization.CreatedAt, UpdatedAt = v.Organization.UpdatedAt, WorkspacesCount = v.WorkspacesCount, MembersCount = v.MembersCount,
    };

    public static WorkspaceResource Wire(WorkspaceRecord w) => new()
    {
        WorkspaceId = w.WorkspaceId, OrgId = w.OrgId, Name = w.Name, Environment = w.Environment, Status = w.Status, Region = w.Region,
        CreatedAt = w.CreatedAt, UpdatedAt = w.UpdatedAt,
    };

    public static OrganizationMember Wire(MemberRecord m) => new()
    {
        MemberId = m.MemberId, OrgId = m.OrgId, WorkspaceId = m.WorkspaceId, ActorId = m.ActorId, Role = m.Role, Status = m.Status,
        CreatedAt = m.CreatedAt, UpdatedAt = m.UpdatedAt,
    };
}
