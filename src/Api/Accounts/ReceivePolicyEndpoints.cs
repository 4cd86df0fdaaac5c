using Axme.Api.Audit;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>
/// Receive policies (PROTOCOL §6.8, ADR 017 §6): an organization's, for senders of other organizations
/// (<c>/v1/organizations/{org_id}/receive-policy</c>, set by an admin), and an agent's override
/// (<c>/v1/agents/{address}/receive-override</c>, set by the agent's managers). Reading either needs access to its
/// organization or agent. The agent's override is served under the agents' routes (AgentEndpoints: an address has
/// slashes), through ReceivePolicyOperations.
/// </summary>
public static class ReceivePolicyEndpoints
{
    public static RouteGroupBuilder MapReceivePolicyEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/organizations/{org_id}/receive-policy").WithTags("Receive policy");
        g.MapGet("", GetOrg).WithName("GetOrgReceivePolicy").WithSummary("An organization's receive policy for senders of other organizations (default closed)");
        g.MapPut("", SetOrg).Accepts<ReceivePolicyRequest>("application/json").WithName("SetOrgReceivePolicy").WithSummary("Set its mode: open, allowlist or closed (admin)").Audit("policy.receive.set", "organization", "org_id");
        g.MapPost("/entries", AddOrgEntry).Accepts<ReceivePolicyRequest>("application/json").WithName("AddOrgReceivePolicyEntry").WithSummary("Allow a sender pattern (admin)").Audit("policy.receive.entry.add", "organization", "org_id");
        g.MapDelete("/entries/{entry_id}", RemoveOrgEntry).WithName("RemoveOrgReceivePolicyEntry").WithSummary("Remove an allowed sender pattern (admin)").Audit("policy.receive.entry.remove", "receive_policy_entry", "entry_id");
        return v1;
    }

    private static IReceivePolicyGrain Org(IGrainFactory grains, string orgId) =>
        grains.GetGrain<IReceivePolicyGrain>(ReceivePolicies.KeyForOrg(TenantNames.Canonical(orgId, "org_id")));

    public static async Task<Ok<OrgReceivePolicyResponse>> GetOrg(HttpContext http, string org_id, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var org = TenantNames.Canonical(org_id, "org_id");
        if (!caller.IsAdmin && caller.OrgId != org) throw ProtocolException.Forbidden("organization of another tenant");
        return OrgResult(org, await Org(grains, org).GetAsync() ?? ReceivePolicies.DefaultOrg);
    }

    public static async Task<Ok<OrgReceivePolicyResponse>> SetOrg(HttpContext http, string org_id, IGrainFactory grains)
    {
        Admin(http);
        var mode = ReceivePolicyOperations.Mode(await RequestBody.ReadAsync(http), "policy_type", ReceivePolicies.OrgModes);
        return OrgResult(TenantNames.Canonical(org_id, "org_id"), await Org(grains, org_id).SetModeAsync(mode, ReceivePolicies.DefaultOrg));
    }

    public static async Task<Ok<OrgReceivePolicyResponse>> AddOrgEntry(HttpContext http, string org_id, IGrainFactory grains)
    {
        Admin(http);
        var pattern = ReceivePolicies.Pattern((await RequestBody.ReadAsync(http)).String("sender_pattern", 512, required: true)!);
        var (policy, entry) = await Org(grains, org_id).AddEntryAsync(pattern, ReceivePolicies.DefaultOrg);
        return TypedResults.Ok(new OrgReceivePolicyResponse { Policy = ReceivePolicyOperations.OrgPolicy(policy), Entry = ReceivePolicyOperations.Entry(entry) });
    }

    public static async Task<Ok<OrgReceivePolicyResponse>> RemoveOrgEntry(HttpContext http, string org_id, string entry_id, IGrainFactory grains)
    {
        Admin(http);
        var policy = await Org(grains, org_id).RemoveEntryAsync(entry_id) ?? throw ProtocolException.NotFound("entry", entry_id);
        return TypedResults.Ok(new OrgReceivePolicyResponse { Policy = ReceivePolicyOperations.OrgPolicy(policy), Removed = true });
    }

    private static void Admin(HttpContext http)
    {
        if (!ApiKeyAuthFilter.CallerOf(http).IsAdmin)
            throw new ProtocolException(403, "admin_required", "only an admin key may change an organization's receive policy");
    }

    private static Ok<OrgReceivePolicyResponse> OrgResult(string org, ReceivePolicy policy) =>
        TypedResults.Ok(new OrgReceivePolicyResponse { OrgId = org, Policy = ReceivePolicyOperations.OrgPolicy(policy) });
}
