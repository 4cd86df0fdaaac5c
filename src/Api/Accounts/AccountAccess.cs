using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>
/// Least privilege inside a workspace (ADR 017 §6): an account's keys, delivery binding and existence are its
/// managers' only — the account itself (one of its keys), the key that created it (a service account, not a person:
/// the CLI provisions agents and then mints their keys), or an admin key. Any other key of the workspace, a human
/// user's or another agent's, gets 403 and changes nothing. Otherwise a key could redirect another agent's intents to
/// its own URL, or mint another agent a key and become it. A person who manages the workspace (org_owner, org_admin,
/// or its workspace_admin: docs/adr/030) manages its agents too. A person's credentials (keys, actor tokens) are
/// theirs and an admin's only.
/// </summary>
public static class AccountAccess
{
    public static bool Manages(Caller caller, ServiceAccountRecord account) =>
        caller.IsAdmin || caller.ServiceAccountId == account.ServiceAccountId
        || (!account.IsHuman && account.CreatedByActorId == caller.ServiceAccountId)
        // A person who manages the workspace manages its agents, never another person (no taking a colleague's identity).
        || (!account.IsHuman && caller.ManagesWorkspace && caller.CanAccess(account.OrgId, account.WorkspaceId));

    /// <summary>403 unless the caller manages the account; <paramref name="what"/> says what was refused.</summary>
    public static void MustManage(Caller caller, ServiceAccountRecord account, string what)
    {
        if (!Manages(caller, account))
            throw new ProtocolException(403, "not_account_owner",
                $"only the account itself, the key that created it or an admin may {what}",
                new Dictionary<string, string> { ["service_account_id"] = account.ServiceAccountId });
    }

    /// <summary>
    /// The same rule for an agent's settings (delivery binding, receive override), by its account; an agent left without
    /// one is an admin's alone.
    /// </summary>
    public static async Task MustManageAgentAsync(IGrainFactory grains, Caller caller, Grains.Interfaces.Agents.AgentRecord agent, string what)
    {
        if (await grains.GetGrain<IServiceAccountGrain>(agent.ServiceAccountId).GetAsync() is { } account)
            MustManage(caller, account, what);
        else if (!caller.IsAdmin)
            throw ProtocolException.Forbidden($"only an admin may {what} of an agent without an account");
    }

    /// <summary>403 unless the caller is the account itself or an admin (a person's credentials).</summary>
    public static void SelfOrAdmin(Caller caller, string serviceAccountId, string what)
    {
        if (!caller.IsAdmin && caller.ServiceAccountId != serviceAccountId)
            throw new ProtocolException(403, "not_account_owner", $"only the account itself or an admin may {what}",
                new Dictionary<string, string> { ["service_account_id"] = serviceAccountId });
    }
}
