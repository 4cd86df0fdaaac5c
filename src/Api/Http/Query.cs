using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>Typed query-string readers that refuse bad values with a 422 naming the parameter.</summary>
public static class Query
{
    public static int? Int(HttpRequest request, string name, int min = int.MinValue, int max = int.MaxValue) =>
        Int(request.Query, name, min, max);

    /// <summary>
    /// Where a stream resumes (§5.6, §6.4): <c>?since=</c>, else the Last-Event-ID header a reconnecting SSE client sends
    /// (ignored when it is not a cursor), else 0, the start.
    /// </summary>
    public static long StreamCursor(HttpRequest request) =>
        Int(request, "since", 0) ?? (long.TryParse(request.Headers["Last-Event-ID"].ToString(), out var id) && id >= 0 ? id : 0);

    /// <summary>A stream's window: <c>?wait_seconds=</c> (1-60), 15 s when not given.</summary>
    public static TimeSpan StreamWindow(HttpRequest request) => TimeSpan.FromSeconds(Int(request, "wait_seconds", 1, 60) ?? 15);

    /// <summary>An integer parameter (the MCP tools pass their arguments as a query collection).</summary>
    public static int? Int(IQueryCollection query, string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0) return null;
        if (!int.TryParse(raw, out var value))
            throw ProtocolException.Invalid(name, $"{name} must be an integer");
        if (value < min || value > max)
            throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return value;
    }

    public static string? String(HttpRequest request, string name) => String(request.Query, name);

    public static string? String(IQueryCollection query, string name)
    {
        var raw = query[name].ToString().Trim();
        return raw.Length == 0 ? null : raw;
    }

    /// <summary>
    /// Status names from a comma list or a JSON list, upper-cased and checked; "pending" means deliverable
    /// and not yet taken (SUBMITTED, DELIVERED). Null when none are given.
    /// </summary>
    public static IReadOnlyList<string>? Statuses(IEnumerable<string>? raw, string field)
    {
        var result = new List<string>();
        foreach (var s in raw ?? [])
        {
            var status = s.Trim().ToUpperInvariant();
            if (status.Length == 0) continue;
            if (status == "PENDING") result.AddRange(["SUBMITTED", "DELIVERED"]);
            else if (IntentStatus.IsKnown(status)) result.Add(status);
            else throw ProtocolException.Invalid(field, $"unknown status: {status}", "invalid_status");
        }
        return result.Count == 0 ? null : result;
    }

    /// <summary>The workspace a request is about: the caller's own, or for an admin key the org_id/workspace_id given.</summary>
    public static (string OrgId, string WorkspaceId) Workspace(HttpRequest request, Caller caller) => Workspace(request.Query, caller);

    public static (string OrgId, string WorkspaceId) Workspace(IQueryCollection query, Caller caller) =>
        Workspace(String(query, "org_id"), String(query, "workspace_id"), caller);

    /// <summary>The workspace named (canonical; the caller's own where not named); 403 unless the caller may act there.</summary>
    public static (string OrgId, string WorkspaceId) Workspace(string? orgId, string? workspaceId, Caller caller)
    {
        var org = orgId is { } o ? Axme.Grains.Interfaces.Accounts.TenantNames.Canonical(o, "org_id") : caller.OrgId;
        var ws = workspaceId is { } w ? Axme.Grains.Interfaces.Accounts.TenantNames.Canonical(w, "workspace_id") : caller.WorkspaceId;
        return caller.CanAccess(org, ws) ? (org, ws) : throw ProtocolException.Forbidden("no access to that workspace");
    }

    /// <summary>
    /// The workspace a body names (the gateway's org_id and workspace_id members), canonical; 403 unless the caller may act
    /// there. org_id is required; workspace_id too unless <paramref name="workspaceOptional"/> (then the caller's).
    /// </summary>
    public static (string OrgId, string WorkspaceId) Workspace(RequestBody body, Caller caller, bool workspaceOptional = false)
    {
        var org = Axme.Grains.Interfaces.Accounts.TenantNames.Canonical(body.String("org_id", 255, required: true)!, "org_id");
        var ws = body.String("workspace_id", 255, required: !workspaceOptional) is { } w
            ? Axme.Grains.Interfaces.Accounts.TenantNames.Canonical(w, "workspace_id") : caller.WorkspaceId;
        return caller.CanAccess(org, ws) ? (org, ws) : throw ProtocolException.Forbidden("no access to that workspace");
    }

    /// <summary>
    /// The owner_agent a request acts for (PROTOCOL §2.8): the owner_agent query parameter or the
    /// x-owner-agent header — 400 owner_agent_mismatch when both are given and differ — canonical (a bare
    /// name lies in the caller's workspace); null when neither is given.
    /// </summary>
    public static string? OwnerAgent(HttpRequest request, Caller caller) =>
        OwnerAgent(String(request, "owner_agent"), request.Headers["x-owner-agent"].ToString(), caller);

    /// <summary>The same rule over two raw values (MCP: arguments.owner_agent and params.owner_agent).</summary>
    public static string? OwnerAgent(string? first, string? second, Caller caller)
    {
        var query = first?.Trim() is { Length: > 0 } q ? Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical(q, caller) : null;
        var header = second?.Trim() is { Length: > 0 } h ? Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical(h, caller) : null;
        if (query is not null && header is not null && query != header)
            throw new ProtocolException(400, "owner_agent_mismatch", "owner_agent and x-owner-agent name different owners",
                new Dictionary<string, string> { ["field"] = "owner_agent" });
        return query ?? header;
    }

    /// <summary>The owner_agent of a request when it lies in the caller's workspace (any for admins); 403 otherwise.</summary>
    public static string? OwnerAgentInWorkspace(HttpRequest request, Caller caller) => InWorkspace(OwnerAgent(request, caller), caller);

    /// <summary>An owner_agent when it lies in the caller's workspace (any for admins); 403 otherwise.</summary>
    public static string? InWorkspace(string? owner, Caller caller)
    {
        if (owner is null) return null;
        var workspace = Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical("x", caller)[..^1];
        return caller.IsAdmin || owner.StartsWith(workspace, StringComparison.Ordinal)
            ? owner
            : throw ProtocolException.Forbidden("owner_agent is outside the caller's workspace");
    }
}
