using Axme.Api.Auth;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Audit;

/// <summary>
/// Marks a route whose calls the audit log records (docs/adr/028): after the handler succeeds (so a replay of an
/// Idempotency-Key, answered by the outer filter, is not a second action), or when it refuses the caller (401/403).
/// </summary>
public static class Audited
{
    /// <summary>Records <paramref name="action"/>; the target is the route value <paramref name="targetRoute"/> of type <paramref name="targetType"/>.</summary>
    public static RouteHandlerBuilder Audit(this RouteHandlerBuilder route, string action, string? targetType = null, string? targetRoute = null) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = ApiKeyAuthFilter.CallerOrNull(http);
            var target = targetRoute is null ? null : http.Request.RouteValues[targetRoute]?.ToString();
            var (org, ws) = Scope(http, caller);
            var log = http.RequestServices.GetRequiredService<AuditLog>();
            try
            {
                var result = await next(context);
                // What a create made: its id and its tenant, from the answer (the route names nothing yet).
                var made = result is IValueHttpResult { Value: { } value } ? Made(value) : null;
                // An account's key, token or deletion: the account's tenant, not the (admin) caller's.
                if (made is null && target is not null && targetType is "service_account" or "user"
                    && await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IServiceAccountGrain>(target).GetAsync() is { } account)
                    made = (target, account.OrgId, account.WorkspaceId);
                await log.RecordAsync(http, caller, new AuditEntry(action, "succeeded", made?.Org ?? org, made is null ? ws : made.Value.Workspace, targetType,
                    target ?? made?.Id));
                return result;
            }
            catch (ProtocolException e) when (e.Status is 401 or 403)
            {
                await log.RecordAsync(http, caller, new AuditEntry(action, "refused", org, ws, targetType, target,
                    new System.Text.Json.Nodes.JsonObject { ["code"] = e.Code, ["message"] = e.Message }));
                throw;
            }
        });

    /// <summary>The thing an answer is about: its id, organization and workspace (the answers of the audited creates).</summary>
    private static (string Id, string Org, string? Workspace)? Made(object answer) => answer switch
    {
        Contracts.OrganizationResponse o => (o.Organization.OrgId, o.Organization.OrgId, null),
        Contracts.WorkspaceResponse w => (w.Workspace.WorkspaceId, w.Workspace.OrgId, w.Workspace.WorkspaceId),
        Contracts.MemberResponse m => (m.Member.MemberId, m.Member.OrgId, m.Member.WorkspaceId),
        Contracts.ServiceAccountResponse a => (a.ServiceAccount.ServiceAccountId, a.ServiceAccount.OrgId, a.ServiceAccount.WorkspaceId),
        Contracts.UserResponse u => (u.User.UserId, u.User.OrgId, u.User.WorkspaceId),
        _ => null,
    };

    /// <summary>The organization (and workspace) a call concerns: the route's org_id, else the caller's own.</summary>
    private static (string? Org, string? Workspace) Scope(HttpContext http, Caller? caller)
    {
        var org = http.Request.RouteValues["org_id"]?.ToString() is { } named && TenantNames.IsCanonical(named.Trim().ToLowerInvariant())
            ? named.Trim().ToLowerInvariant() : null;
        var ws = http.Request.RouteValues["workspace_id"]?.ToString()?.Trim().ToLowerInvariant();
        return org is not null ? (org, ws) : (caller?.OrgId, caller?.WorkspaceId);
    }
}
