using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>Typed query-string readers that refuse bad values with a 422 naming the parameter.</summary>
public static class Query
{
    public static int? Int(HttpRequest request, string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0) return null;
        if (!int.TryParse(raw, out var value))
            throw ProtocolException.Invalid(name, $"{name} must be an integer");
        if (value < min || value > max)
            throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return value;
    }

    public static string? String(HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString().Trim();
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
            else if (Axme.Grains.Interfaces.Intents.IntentStatus.IsKnown(status)) result.Add(status);
            else throw ProtocolException.Invalid(field, $"unknown status: {status}", "invalid_status");
        }
        return result.Count == 0 ? null : result;
    }

    /// <summary>The workspace a request is about: the caller's own, or for an admin key the org_id/workspace_id given.</summary>
    public static (string OrgId, string WorkspaceId) Workspace(HttpRequest request, Caller caller)
    {
        var org = String(request, "org_id") ?? caller.OrgId;
        var ws = String(request, "workspace_id") ?? caller.WorkspaceId;
        return caller.CanAccess(org, ws) ? (org, ws) : throw ProtocolException.Forbidden("no access to that workspace");
    }

    /// <summary>
    /// The owner_agent a request acts for (PROTOCOL §2.8): the owner_agent query parameter or the
    /// x-owner-agent header — 400 owner_agent_mismatch when both are given and differ — canonical (a bare
    /// name lies in the caller's workspace); null when neither is given.
    /// </summary>
    public static string? OwnerAgent(HttpRequest request, Caller caller)
    {
        var query = String(request, "owner_agent") is { } q ? Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical(q, caller) : null;
        var header = request.Headers["x-owner-agent"].ToString().Trim() is { Length: > 0 } h ? Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical(h, caller) : null;
        if (query is not null && header is not null && query != header)
            throw new ProtocolException(400, "owner_agent_mismatch", "owner_agent and x-owner-agent name different owners",
                new Dictionary<string, string> { ["field"] = "owner_agent" });
        return query ?? header;
    }

    /// <summary>The owner_agent of a request when it lies in the caller's workspace (any for admins); 403 otherwise.</summary>
    public static string? OwnerAgentInWorkspace(HttpRequest request, Caller caller)
    {
        if (OwnerAgent(request, caller) is not { } owner) return null;
        var workspace = Axme.Grains.Interfaces.Accounts.AgentAddress.Canonical("x", caller)[..^1];
        return caller.IsAdmin || owner.StartsWith(workspace, StringComparison.Ordinal)
            ? owner
            : throw ProtocolException.Forbidden("owner_agent is outside the caller's workspace");
    }
}
