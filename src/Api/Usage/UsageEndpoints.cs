using Axme.Api.Audit;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Usage;

/// <summary>
/// Quotas and usage (PROTOCOL §12 "Quotas &amp; usage", docs/adr/029): a key reads its own workspace's, an admin key any
/// workspace's (?org_id&amp;workspace_id); only an admin key changes quotas.
/// </summary>
public static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsageEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/quotas", Get).WithTags("Quotas").WithName("GetQuotas").WithSummary("The workspace's quota policy in force (its own limits over the node's defaults)");
        v1.MapPatch("/quotas", Update).Accepts<QuotaPatchRequest>("application/json").WithTags("Quotas").WithName("UpdateQuotas")
            .WithSummary("Set a workspace's limits (admin key); dimensions not given are kept").Audit("quota.update", "workspace");
        var usage = v1.MapGroup("/usage").WithTags("Quotas");
        usage.MapGet("/summary", Summary).WithName("GetUsageSummary").WithSummary("The workspace's counts against its limits (?window=day|week|month)");
        usage.MapGet("/timeseries", Series).WithName("GetUsageTimeseries").WithSummary("Daily counts of the last ?window_days (1-90, default 30)");
        usage.MapPost("/rollups/daily", Rollup).WithName("RollupUsageDaily").WithSummary("Store the last ?window_days' daily totals (axme_usage_daily)");
        v1.MapGet("/portal/enterprise/overview", Overview).WithTags("Quotas").WithName("GetEnterpriseOverview")
            .WithSummary("The workspace's quota policy and today's usage (what `axme quota show` reads)");
        return v1;
    }

    public static async Task<Ok<QuotaPolicyResponse>> Get(HttpContext http, QuotaOperations quotas) =>
        TypedResults.Ok(await quotas.GetAsync(Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http))));

    public static async Task<Ok<QuotaPolicyResponse>> Update(HttpContext http, QuotaOperations quotas) =>
        TypedResults.Ok(await quotas.UpdateAsync(ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http)));

    public static async Task<Ok<UsageSummaryResponse>> Summary(HttpContext http, QuotaOperations quotas) =>
        TypedResults.Ok(new UsageSummaryResponse
        {
            Summary = await quotas.SummaryAsync(Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), Query.String(http.Request, "window") ?? "day",
                http.RequestAborted),
        });

    public static async Task<Ok<UsageSeriesResponse>> Series(HttpContext http, QuotaOperations quotas) =>
        TypedResults.Ok(new UsageSeriesResponse
        {
            Series = await quotas.SeriesAsync(Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), WindowDays(http), http.RequestAborted),
        });

    public static async Task<Ok<UsageRollupResponse>> Rollup(HttpContext http, QuotaOperations quotas)
    {
        await RequestBody.ReadAsync(http); // none is needed (the query names all); one that is not JSON is refused like anywhere else
        return TypedResults.Ok(new UsageRollupResponse
        {
            Rollup = await quotas.RollupAsync(Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), WindowDays(http), http.RequestAborted),
        });
    }

    public static async Task<Ok<EnterpriseOverviewResponse>> Overview(HttpContext http, QuotaOperations quotas) =>
        TypedResults.Ok(new EnterpriseOverviewResponse
        {
            Overview = await quotas.OverviewAsync(Query.Workspace(http.Request, ApiKeyAuthFilter.CallerOf(http)), http.RequestAborted),
        });

    private static int WindowDays(HttpContext http) => Query.Int(http.Request, "window_days", 1, QuotaOperations.MaxWindowDays) ?? 30;
}
