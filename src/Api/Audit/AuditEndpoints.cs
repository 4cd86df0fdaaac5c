using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Audit;

/// <summary>GET /v1/audit/events (PROTOCOL §12 "Audit", docs/adr/028): the audit log, newest first.</summary>
public static class AuditEndpoints
{
    private static readonly HashSet<string> ReaderRoles = [MemberRoles.Owner, MemberRoles.Admin, "security_auditor"];

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audit/events", List).WithTags("Audit").WithName("ListAuditEvents")
            .WithSummary("Security-relevant actions, newest first: admin keys see all, an organization's owners, admins and security auditors theirs");
        return v1;
    }

    public static async Task<Ok<AuditEventPage>> List(HttpContext http, AuditLog log, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var q = http.Request.Query;
        var org = Query.String(q, "org_id") is { } o ? TenantNames.Canonical(o, "org_id") : caller.IsAdmin ? null : caller.OrgId;
        if (!caller.IsAdmin)
        {
            var members = org == caller.OrgId ? await grains.GetGrain<IOrganizationGrain>(org).ListMembersAsync(null) : [];
            if (!members.Any(m => m.ActorId == caller.ServiceAccountId && m.WorkspaceId is null && m.Status == "active" && ReaderRoles.Contains(m.Role)))
                throw ProtocolException.Forbidden("the audit log is read with an admin key, or by an org_owner, org_admin or security_auditor of the organization");
        }
        var filter = new AuditFilter(
            org, Query.String(q, "workspace_id") is { } w ? TenantNames.Canonical(w, "workspace_id") : null,
            Query.String(q, "action_prefix"), Query.String(q, "actor_id"), Query.OwnerAgent(http.Request, caller),
            Time(q, "since"), Time(q, "until"),
            Query.String(q, "cursor") is { } c ? long.TryParse(c, out var id) && id > 0 ? id : throw ProtocolException.Invalid("cursor", "cursor is not a cursor of this listing", "invalid_cursor") : null,
            Query.Int(q, "limit", 1, AuditLog.MaxLimit) ?? AuditLog.DefaultLimit);
        return TypedResults.Ok(await log.ListAsync(filter, http.RequestAborted));
    }

    private static DateTimeOffset? Time(IQueryCollection q, string name) =>
        Query.String(q, name) is not { } raw ? null
        : DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw ProtocolException.Invalid(name, $"{name} must be an RFC 3339 timestamp");
}
