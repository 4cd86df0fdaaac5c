using System.Text.Json;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;
using Axme.Api.Http;

namespace Axme.Api.Usage;

/// <summary>
/// Quotas and usage (GET/PATCH /v1/quotas, /v1/usage/*, docs/adr/029) for REST, the MCP tools and the CLI: a workspace's
/// policy in force, its counts against it, and daily series and rollups from what the node recorded.
/// </summary>
public sealed class QuotaOperations(IGrainFactory grains, QuotaGate quotas, UsageStore store, UsageFlush flush, TimeProvider time)
{
    public const int MaxWindowDays = 90;

    public async Task<QuotaPolicyResponse> GetAsync((string OrgId, string WorkspaceId) ws) => new() { QuotaPolicy = await ResourceAsync(ws) };

    /// <summary>Sets the limits given (admin key: the node's operator sets quotas, not the tenants they limit).</summary>
    public async Task<QuotaPolicyResponse> UpdateAsync(Caller caller, RequestBody body)
    {
        if (!caller.IsAdmin) throw ProtocolException.Forbidden("quotas are set with an admin key (the node's operator sets them)");
        (string OrgId, string WorkspaceId) ws = (TenantNames.Canonical(body.String("org_id", 255) ?? caller.OrgId, "org_id"),
            TenantNames.Canonical(body.String("workspace_id", 255) ?? caller.WorkspaceId, "workspace_id"));
        if (body.Root["dimensions"] is not System.Text.Json.Nodes.JsonObject given)
            throw ProtocolException.Invalid("dimensions", "dimensions must be an object of limits by dimension name");
        var dimensions = new Dictionary<string, long>();
        foreach (var (name, value) in given)
        {
            if (!QuotaDimensions.All.Contains(name))
                throw ProtocolException.Invalid($"dimensions.{name}", $"unknown dimension {name}: one of {string.Join(", ", QuotaDimensions.All)}");
            dimensions[name] = value is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var limit) && limit >= 0
                ? limit
                : throw ProtocolException.Invalid($"dimensions.{name}", $"dimensions.{name} must be a whole number ≥ 0");
        }
        var mode = body.String("overage_mode", 32);
        if (mode is not null && !QuotaDimensions.OverageModes.Contains(mode))
            throw ProtocolException.Invalid("overage_mode", "overage_mode must be block, grace or bill_overage");
        var patch = new QuotaPolicy
        {
            QuotaPolicyId = Guid.NewGuid().ToString(), Dimensions = dimensions, SoftThresholdPercent = body.Int("soft_threshold_percent", 1, 100),
            HardEnforcement = body.Bool("hard_enforcement"), OverageMode = mode,
            UpdatedBy = body.String("updated_by_actor_id", 255) ?? caller.ServiceAccountId, UpdatedAt = time.GetUtcNow(),
        };
        await grains.GetGrain<IOrganizationGrain>(ws.OrgId).SetQuotaAsync(ws.WorkspaceId, patch);
        return new() { QuotaPolicy = await ResourceAsync(ws) };
    }

    /// <summary>The workspace's counts against its limits over a window of days (day: today, week: 7 days, month: 30).</summary>
    public async Task<UsageSummary> SummaryAsync((string OrgId, string WorkspaceId) ws, string window, CancellationToken ct)
    {
        var days = window switch
        {
            "day" => 1,
            "week" => 7,
            "month" => 30,
            _ => throw ProtocolException.Invalid("window", "window must be day, week or month"),
        };
        await RequireWorkspaceAsync(ws);
        var policy = await quotas.PolicyAsync(ws.OrgId, ws.WorkspaceId);
        var today = UsageMeter.DayOf(time.GetUtcNow());
        var start = today.AddDays(1 - days);
        // Earlier days from the stored buckets, today from the meter (which holds what is not flushed yet).
        var earlier = days == 1 ? [] : await store.DailyAsync(ws.OrgId, ws.WorkspaceId, start, ct);
        var dimensions = new Dictionary<string, UsageDimension>();
        foreach (var name in QuotaDimensions.All)
        {
            long used, limit = policy.Limits[name];
            if (name == QuotaDimensions.RequestsPerMinute)
                used = quotas.Meter.RequestsThisMinute(ws.OrgId, ws.WorkspaceId);
            else if (QuotaDimensions.Daily.Contains(name))
            {
                used = await quotas.Meter.UsedAsync(ws.OrgId, ws.WorkspaceId, name, ct)
                       + earlier.Where(d => d.Key < DateOnly.FromDateTime(today.UtcDateTime)).Sum(d => d.Value.GetValueOrDefault(name));
                limit = Saturating(limit, days);
            }
            else
                used = await quotas.Meter.UsedAsync(ws.OrgId, ws.WorkspaceId, name, ct);
            dimensions[name] = new UsageDimension { Used = used, Limit = limit, Remaining = Math.Max(0, limit - used) };
        }
        return new UsageSummary
        {
            OrgId = ws.OrgId, WorkspaceId = ws.WorkspaceId, WindowStart = start, WindowEnd = today.AddDays(1).AddSeconds(-1), Dimensions = Typed<UsageDimensions>(dimensions),
        };
    }

    /// <summary>One point per UTC day of the last <paramref name="windowDays"/> days, oldest first.</summary>
    public async Task<UsageSeries> SeriesAsync((string OrgId, string WorkspaceId) ws, int windowDays, CancellationToken ct) => new()
    {
        OrgId = ws.OrgId, WorkspaceId = ws.WorkspaceId, Granularity = "day", Points = await DaysAsync(ws, windowDays, ct),
    };

    /// <summary>Stores the window's daily totals (today's levels as they stand) in axme_usage_daily.</summary>
    public async Task<UsageRollup> RollupAsync((string OrgId, string WorkspaceId) ws, int windowDays, CancellationToken ct)
    {
        var points = await DaysAsync(ws, windowDays, ct);
        var rows = points.SelectMany(p => AxpJson.Node(p.Dimensions).Where(d => d.Value is not null)
            .Select(d => (DateOnly.FromDateTime(p.At.UtcDateTime), d.Key, d.Value!.GetValue<long>()))).ToList();
        var now = time.GetUtcNow();
        var upserted = await store.UpsertDailyAsync(ws.OrgId, ws.WorkspaceId, rows, now, ct);
        return new UsageRollup { OrgId = ws.OrgId, WorkspaceId = ws.WorkspaceId, WindowDays = windowDays, Upserted = upserted, GeneratedAt = now, Days = points };
    }

    public async Task<EnterpriseOverview> OverviewAsync((string OrgId, string WorkspaceId) ws, CancellationToken ct) => new()
    {
        OrgId = ws.OrgId, WorkspaceId = ws.WorkspaceId, QuotaPolicy = await ResourceAsync(ws), UsageSummary = await SummaryAsync(ws, "day", ct),
    };

    private async Task<IReadOnlyList<UsagePoint>> DaysAsync((string OrgId, string WorkspaceId) ws, int windowDays, CancellationToken ct)
    {
        await RequireWorkspaceAsync(ws);
        await flush.FlushAsync(ct); // what this silo counted so far is in the buckets read
        var now = time.GetUtcNow();
        var today = UsageMeter.DayOf(now);
        var start = today.AddDays(1 - windowDays);
        var stored = await store.DailyAsync(ws.OrgId, ws.WorkspaceId, start, ct);
        var points = new List<UsagePoint>();
        for (var day = start; day <= today; day = day.AddDays(1))
        {
            var counts = stored.GetValueOrDefault(DateOnly.FromDateTime(day.UtcDateTime)) ?? [];
            var minutes = day == today ? Math.Max(1, (int)(now - day).TotalMinutes) : 1440;
            var values = QuotaDimensions.Counted.ToDictionary(d => d,
                d => d == QuotaDimensions.RequestsPerMinute ? counts.GetValueOrDefault(d) / minutes : counts.GetValueOrDefault(d));
            // Levels have no history in the buckets: today's point has their value now (a rollup keeps it), earlier ones none.
            values[QuotaDimensions.MediaStorageBytes] = 0;
            if (day == today)
                foreach (var level in QuotaDimensions.All.Where(d => !QuotaDimensions.Counted.Contains(d)))
                    values[level] = await quotas.Meter.UsedAsync(ws.OrgId, ws.WorkspaceId, level, ct);
            points.Add(new UsagePoint { At = day, Dimensions = Typed<UsageCounts>(values) });
        }
        return points;
    }

    /// <summary>The policy in force; a workspace on the node's defaults shows them as of its creation.</summary>
    private async Task<QuotaPolicyResource> ResourceAsync((string OrgId, string WorkspaceId) ws)
    {
        var workspace = await RequireWorkspaceAsync(ws);
        // Read from the organization, not the gate's cache: an admin's change shows at once on every node.
        var q = quotas.Options.Effective(await grains.GetGrain<IOrganizationGrain>(ws.OrgId).GetQuotaAsync(ws.WorkspaceId));
        return new()
        {
            QuotaPolicyId = q.QuotaPolicyId ?? "default", OrgId = ws.OrgId, WorkspaceId = ws.WorkspaceId, Dimensions = Typed<QuotaLimits>(q.Limits),
            SoftThresholdPercent = q.SoftThresholdPercent, HardEnforcement = q.HardEnforcement, OverageMode = q.OverageMode,
            UpdatedByActorId = q.UpdatedBy, UpdatedAt = q.UpdatedAt ?? workspace.CreatedAt,
        };
    }

    /// <summary>404 workspace_not_found for a workspace the node has no record of.</summary>
    private Task<WorkspaceRecord> RequireWorkspaceAsync((string OrgId, string WorkspaceId) ws) =>
        grains.GetGrain<IOrganizationGrain>(ws.OrgId).GetWorkspaceAsync(ws.WorkspaceId);

    /// <summary>A map by dimension name as its typed contract (whose members are the dimensions' names).</summary>
    private static T Typed<T>(object byName) => AxpJson.Read<T>(JsonSerializer.Serialize(byName))!;

    private static long Saturating(long limit, int days) => limit > long.MaxValue / days ? long.MaxValue : limit * days;
}
