using System.Text.Json;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- quotas and usage (PROTOCOL §12 "Quotas & usage"; docs/adr/029) ----

    /// <summary>A workspace's quota policy in force (GET /v1/quotas): the key's own workspace, or for an admin key the one named.</summary>
    /// <param name="orgId">The organization (admin key; default the key's).</param>
    /// <param name="workspaceId">The workspace (admin key; default the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<QuotaPolicyResponse> GetQuotaAsync(string? orgId = null, string? workspaceId = null, CancellationToken ct = default) =>
        ContractJson.Read<QuotaPolicyResponse>(await GetAsync("v1/quotas" + Query(("org_id", orgId), ("workspace_id", workspaceId)), ct));

    /// <summary>Sets a workspace's limits; dimensions not given are kept (PATCH /v1/quotas, admin key).</summary>
    /// <param name="request">The workspace, the limits by dimension name, and optionally enforcement and overage mode.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<QuotaPolicyResponse> UpdateQuotaAsync(QuotaPatchRequest request, CancellationToken ct = default) =>
        ContractJson.Read<QuotaPolicyResponse>(await SendAsync(HttpMethod.Patch, "v1/quotas",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<QuotaPatchRequest>()), null, ct));

    /// <summary>A workspace's counts against its limits (GET /v1/usage/summary).</summary>
    /// <param name="window">day, week or month.</param>
    /// <param name="orgId">The organization (admin key; default the key's).</param>
    /// <param name="workspaceId">The workspace (admin key; default the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<UsageSummaryResponse> GetUsageSummaryAsync(string window = "day", string? orgId = null, string? workspaceId = null,
        CancellationToken ct = default) =>
        ContractJson.Read<UsageSummaryResponse>(await GetAsync("v1/usage/summary" + Query(("org_id", orgId), ("workspace_id", workspaceId), ("window", window)), ct));

    /// <summary>A workspace's daily counts, oldest first (GET /v1/usage/timeseries).</summary>
    /// <param name="windowDays">Days, today included (1-90).</param>
    /// <param name="orgId">The organization (admin key; default the key's).</param>
    /// <param name="workspaceId">The workspace (admin key; default the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<UsageSeriesResponse> GetUsageTimeseriesAsync(int windowDays = 30, string? orgId = null, string? workspaceId = null,
        CancellationToken ct = default) =>
        ContractJson.Read<UsageSeriesResponse>(await GetAsync("v1/usage/timeseries" + Query(("org_id", orgId), ("workspace_id", workspaceId), ("window_days", windowDays.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct));

    /// <summary>Stores the last days' daily totals (POST /v1/usage/rollups/daily).</summary>
    /// <param name="windowDays">Days, today included (1-90).</param>
    /// <param name="orgId">The organization (admin key; default the key's).</param>
    /// <param name="workspaceId">The workspace (admin key; default the key's).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<UsageRollupResponse> RollupUsageDailyAsync(int windowDays = 30, string? orgId = null, string? workspaceId = null,
        CancellationToken ct = default) =>
        ContractJson.Read<UsageRollupResponse>(await PostAsync("v1/usage/rollups/daily" + Query(("org_id", orgId), ("workspace_id", workspaceId),
            ("window_days", windowDays.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, ct));
}
