using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Tenancy;

/// <summary>
/// Access requests (PROTOCOL §12 "Access requests", docs/adr/030): a person asks to have an organization made, to join
/// one, or for a higher role; an admin key (or, to join or be raised in an organization, its owners and admins)
/// approves, rejects or waitlists. Each sees the requests they may act on, and their own.
/// </summary>
public static class AccessRequestEndpoints
{
    /// <summary>How long a request stays open without a decision.</summary>
    public static readonly TimeSpan OpenFor = TimeSpan.FromDays(30);

    public static RouteGroupBuilder MapAccessRequestEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/access-requests").WithTags("Organizations");
        g.MapPost("", Create).Accepts<AccessRequestCreateRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreateAccessRequest").WithSummary("Ask to have an organization made, to join one, or for a higher role").Audit("access_request.create", "access_request");
        g.MapGet("", List).WithName("ListAccessRequests").WithSummary("The requests the caller may review, and its own (?org_id, workspace_id, state)");
        g.MapGet("/{access_request_id}", Get).WithName("GetAccessRequest").WithSummary("One access request");
        g.MapPost("/{access_request_id}/review", Review).Accepts<AccessRequestReviewRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("ReviewAccessRequest").WithSummary("Approve (it takes effect), reject or waitlist a request")
            .Audit("access_request.review", "access_request", "access_request_id");
        v1.MapGet("/portal/enterprise/access-requests", List).WithTags("Organizations").WithName("ListEnterpriseAccessRequests")
            .WithSummary("The portal's list of access requests (as GET /v1/access-requests)");
        return v1;
    }

    private static IAccessRequestBookGrain Book(IGrainFactory grains) => grains.GetGrain<IAccessRequestBookGrain>(IAccessRequestBookGrain.Key);

    public static async Task<Ok<AccessRequestResponse>> Create(HttpContext http, IGrainFactory grains, TimeProvider time) =>
        TypedResults.Ok(await CreateAsync(grains, time, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    /// <summary>Records a request (REST and MCP).</summary>
    public static async Task<AccessRequestResponse> CreateAsync(IGrainFactory grains, TimeProvider time, Caller caller, RequestBody body)
    {
        var type = body.String("request_type", 32, required: true)!;
        if (!AccessRequestTypes.All.Contains(type))
            throw ProtocolException.Invalid("request_type", "request_type must be create_organization, join_organization or elevated_role");
        var requester = body.String("requester_actor_id", 255)?.Trim() is { Length: > 0 } r ? r : caller.ServiceAccountId;
        if (!caller.IsAdmin && requester != caller.ServiceAccountId)
            throw ProtocolException.Forbidden($"a key asks for its own account ({caller.ServiceAccountId}); an admin key for anyone");
        var role = body.String("requested_role", 32);
        if (role is not null && !MemberRoles.All.Contains(role))
            throw ProtocolException.Invalid("requested_role", $"requested_role must be one of {string.Join(", ", MemberRoles.All.Order())}");
        var company = body.String("company_name", 120)?.Trim();
        string? org, ws = null;
        if (type == AccessRequestTypes.CreateOrganization)
        {
            if (company is not { Length: >= 2 }) throw ProtocolException.Invalid("company_name", "create_organization needs company_name (2-120 characters)", "missing_field");
            org = body.String("org_id", 255) is { } wanted ? TenantNames.Canonical(wanted, "org_id") : TenancyOperations.Slug(company, "org_id");
            if (await grains.GetGrain<IOrganizationGrain>(org).FindAsync() is not null)
                throw ProtocolException.Conflict("organization_exists", $"an organization with id {org} exists: ask to join it, or choose another org_id");
        }
        else
        {
            org = TenantNames.Canonical(body.String("org_id", 255, required: true)!, "org_id");
            await grains.GetGrain<IOrganizationGrain>(org).GetAsync(); // 404 organization_not_found
            if (body.String("workspace_id", 255) is { } w)
            {
                ws = TenantNames.Canonical(w, "workspace_id");
                await grains.GetGrain<IOrganizationGrain>(org).GetWorkspaceAsync(ws);
            }
            if (type == AccessRequestTypes.ElevatedRole && role is null)
                throw ProtocolException.Invalid("requested_role", "elevated_role needs requested_role", "missing_field");
        }
        var now = time.GetUtcNow();
        var (request, _) = await Book(grains).CreateAsync(new AccessRequestRecord
        {
            AccessRequestId = Guid.NewGuid().ToString(), RequestType = type, State = AccessRequestStates.Pending, RequesterActorId = requester,
            OrgId = org, WorkspaceId = ws, RequestedRole = role ?? (type == AccessRequestTypes.JoinOrganization ? "member" : null), CompanyName = company,
            Justification = body.String("justification", 2000), CreatedAt = now, UpdatedAt = now, ExpiresAt = now + OpenFor, CreatedBy = caller.ServiceAccountId,
        });
        return new AccessRequestResponse { AccessRequest = Wire(request, now) };
    }

    public static async Task<Ok<AccessRequestList>> List(HttpContext http, IGrainFactory grains, TimeProvider time) =>
        TypedResults.Ok(await ListAsync(grains, time, ApiKeyAuthFilter.CallerOf(http),
            Query.String(http.Request, "org_id"), Query.String(http.Request, "workspace_id"), Query.String(http.Request, "state")));

    /// <summary>The requests the caller may review, and its own, newest first (REST and MCP).</summary>
    public static async Task<AccessRequestList> ListAsync(IGrainFactory grains, TimeProvider time, Caller caller, string? orgId, string? workspaceId, string? state)
    {
        var org = orgId is { } o ? TenantNames.Canonical(o, "org_id") : null;
        var ws = workspaceId is { } w ? TenantNames.Canonical(w, "workspace_id") : null;
        if (state is not null && !AccessRequestStates.All.Contains(state))
            throw ProtocolException.Invalid("state", $"state must be one of {string.Join(", ", AccessRequestStates.All.Order())}");
        var all = await Book(grains).ListAsync(org, ws, state);
        var now = time.GetUtcNow();
        var visible = new List<AccessRequest>();
        var manages = new Dictionary<string, bool>();
        foreach (var r in all)
            if (await MayReviewAsync(grains, caller, r, manages) || r.CreatedBy == caller.ServiceAccountId || r.RequesterActorId == caller.ServiceAccountId)
                visible.Add(Wire(r, now));
        return new AccessRequestList { AccessRequests = visible };
    }

    public static async Task<Ok<AccessRequestResponse>> Get(HttpContext http, string access_request_id, IGrainFactory grains, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var r = await Book(grains).GetAsync(access_request_id);
        if (r is null || !(await MayReviewAsync(grains, caller, r, []) || r.CreatedBy == caller.ServiceAccountId || r.RequesterActorId == caller.ServiceAccountId))
            throw ProtocolException.NotFound("access_request", access_request_id);
        return TypedResults.Ok(new AccessRequestResponse { AccessRequest = Wire(r, time.GetUtcNow()) });
    }

    public static async Task<Ok<AccessRequestResponse>> Review(HttpContext http, string access_request_id, IGrainFactory grains, TimeProvider time) =>
        TypedResults.Ok(await ReviewAsync(grains, time, ApiKeyAuthFilter.CallerOf(http), access_request_id, await RequestBody.ReadAsync(http)));

    /// <summary>Decides a request the caller may review (REST and MCP).</summary>
    public static async Task<AccessRequestResponse> ReviewAsync(IGrainFactory grains, TimeProvider time, Caller caller, string access_request_id, RequestBody body)
    {
        var decision = body.String("decision", 16, required: true)!;
        if (!AccessRequestStates.Decisions.ContainsKey(decision)) throw ProtocolException.Invalid("decision", "decision must be approve, reject or waitlist");
        var r = await Book(grains).GetAsync(access_request_id) ?? throw ProtocolException.NotFound("access_request", access_request_id);
        if (!await MayReviewAsync(grains, caller, r, []))
            throw ProtocolException.Forbidden(r.RequestType == AccessRequestTypes.CreateOrganization
                ? "an admin key reviews requests for new organizations"
                : $"requests for organization {r.OrgId} are reviewed with an admin key or by its org_owner/org_admin members");
        var reviewed = await Book(grains).ReviewAsync(access_request_id, decision,
            body.String("reviewer_actor_id", 255)?.Trim() is { Length: > 0 } who ? who : caller.ServiceAccountId, body.String("review_comment", 2000));
        return new AccessRequestResponse { AccessRequest = Wire(reviewed, time.GetUtcNow()) };
    }

    /// <summary>Admin keys review everything; an organization's owners and admins review requests to join or be raised in it.</summary>
    private static async Task<bool> MayReviewAsync(IGrainFactory grains, Caller caller, AccessRequestRecord r, Dictionary<string, bool> known)
    {
        if (caller.IsAdmin) return true;
        if (r.RequestType == AccessRequestTypes.CreateOrganization || r.OrgId is not { } org) return false;
        if (!known.TryGetValue(org, out var manages)) known[org] = manages = await TenancyOperations.ManagesAsync(grains, caller, org);
        return manages;
    }

    private static AccessRequest Wire(AccessRequestRecord r, DateTimeOffset now) => new()
    {
        AccessRequestId = r.AccessRequestId, RequestType = r.RequestType, State = AccessRequestStates.At(r, now), RequesterActorId = r.RequesterActorId,
        OrgId = r.OrgId, WorkspaceId = r.WorkspaceId, RequestedRole = r.RequestedRole, CompanyName = r.CompanyName, Justification = r.Justification,
        ReviewerActorId = r.ReviewerActorId, ReviewComment = r.ReviewComment, ReviewedAt = r.ReviewedAt, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
    };
}
