using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// Whether a workspace's keys may act (docs/adr/026), asked on every authenticated request: per silo, each workspace's
/// statuses (and quota policy, docs/adr/029) are kept for <see cref="Lifetime"/>, so a request costs no grain call most of the time. A change clears the
/// entry on the organization grain's silo at once; other silos see it within the lifetime.
/// </summary>
public sealed class TenantGate(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly LookupCache<TenantAccess?> _access = new(time, Lifetime);

    public void Invalidate(string orgId, string workspaceId) => _access.Invalidate($"{orgId}/{workspaceId}");

    /// <summary>
    /// Null when the workspace's keys may act, else why not (403): its organization or itself is suspended or archived.
    /// A workspace the node holds no record of passes: its accounts were checked when they were created.
    /// </summary>
    public async ValueTask<ProtocolException?> RefusalAsync(string orgId, string workspaceId) =>
        Refusal(await AccessAsync(orgId, workspaceId), orgId, workspaceId);

    /// <summary>The same answer from statuses already read (authentication reads them once for all its checks).</summary>
    public static ProtocolException? Refusal(TenantAccess? access, string orgId, string workspaceId)
    {
        if (access is null) return null;
        if (access.OrganizationStatus is TenantStatus.Suspended or TenantStatus.Archived)
            return new ProtocolException(403, $"organization_{access.OrganizationStatus}",
                $"organization {orgId} is {access.OrganizationStatus}: its keys act again once an admin sets it active");
        if (access.WorkspaceStatus is TenantStatus.Suspended or TenantStatus.Archived)
            return new ProtocolException(403, $"workspace_{access.WorkspaceStatus}",
                $"workspace {orgId}/{workspaceId} is {access.WorkspaceStatus}: its keys act again once an admin sets it active");
        return null;
    }

    /// <summary>The workspace's statuses and quota policy as this silo last read them (null: no record of it).</summary>
    public ValueTask<TenantAccess?> AccessAsync(string orgId, string workspaceId) =>
        _access.GetAsync($"{orgId}/{workspaceId}", _ => grains.GetGrain<IOrganizationGrain>(orgId).AccessAsync(workspaceId));
}
