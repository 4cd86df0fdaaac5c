using System.Collections.Concurrent;
using System.Globalization;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// Workspace quotas (docs/adr/029): whether a write may go ahead, asked before anything is written, from the policy
/// TenantGate keeps per silo and the counts UsageMeter keeps per silo, so the check costs no grain call and no
/// database read on a request's path. A refusal is 429 quota_exceeded naming the dimension, the count and the limit.
/// </summary>
public sealed partial class QuotaGate(TenantGate tenants, UsageMeter meter, IOptions<QuotaOptions> options, TimeProvider time, ILogger<QuotaGate> logger)
{
    // Warnings given, one per workspace, dimension and period on this silo (a minute's or a day's, or the level's).
    private readonly ConcurrentDictionary<(string Org, string Ws, string Dim, DateTimeOffset? Period), byte> _warned = new();

    // Policies in force, made once per policy object the gate's cache holds: a check on the request path allocates nothing.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<QuotaPolicy, EffectiveQuota> _effective = new();
    private EffectiveQuota? _defaults;

    public UsageMeter Meter => meter;

    public QuotaOptions Options => options.Value;

    /// <summary>The workspace's policy in force (its own values over the node's defaults).</summary>
    public async ValueTask<EffectiveQuota> PolicyAsync(string orgId, string workspaceId) => Policy(await tenants.AccessAsync(orgId, workspaceId));

    private EffectiveQuota Policy(TenantAccess? access) =>
        access?.Quota is { } own ? _effective.GetValue(own, p => options.Value.Effective(p)) : _defaults ??= options.Value.Effective(null);

    /// <summary>
    /// Refuses (429) when <paramref name="amount"/> more would take the workspace past its limit of a dimension:
    /// against <paramref name="current"/> when the caller holds the exact count, else the meter's.
    /// </summary>
    public async ValueTask CheckAsync(string orgId, string workspaceId, string dimension, long amount = 1, long? current = null)
    {
        var policy = await PolicyAsync(orgId, workspaceId);
        var limit = policy.Limits[dimension];
        var used = current ?? await meter.UsedAsync(orgId, workspaceId, dimension);
        if (policy.Blocks && used + amount > limit) throw Exceeded(orgId, workspaceId, dimension, used, limit);
        // Past the soft threshold (or, counting only, past the limit): the operator hears of it once per period.
        if ((used + amount) * 100 >= (decimal)limit * policy.SoftThresholdPercent && _warned.TryAdd((orgId, workspaceId, dimension, ResetAt(dimension)), 0))
            LogNearLimit(orgId, workspaceId, dimension, used + amount, limit, policy.SoftThresholdPercent, policy.Blocks ? "refused past the limit" : policy.OverageMode);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Workspace {OrgId}/{WorkspaceId} reached {Used} of its {Dimension} quota of {Limit} (warning at {Percent}%; {Then})")]
    private partial void LogNearLimit(string orgId, string workspaceId, string dimension, long used, long limit, int percent, string then);

    /// <summary>Counts a request in its workspace's minute (its statuses and policy already read); the refusal when it is one too many, else null.</summary>
    public ProtocolException? Request(string orgId, string workspaceId, TenantAccess? access)
    {
        var count = meter.AddRequest(orgId, workspaceId);
        var policy = Policy(access);
        var limit = policy.Limits[QuotaDimensions.RequestsPerMinute];
        return policy.Blocks && count > limit ? Exceeded(orgId, workspaceId, QuotaDimensions.RequestsPerMinute, count - 1, limit) : null;
    }

    /// <summary>When a dimension's count starts again: the next minute, the next UTC day, or never for a level.</summary>
    public DateTimeOffset? ResetAt(string dimension)
    {
        var now = time.GetUtcNow();
        if (dimension == QuotaDimensions.RequestsPerMinute) return DateTimeOffset.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / 60 + 1) * 60);
        return QuotaDimensions.Daily.Contains(dimension) ? UsageMeter.DayOf(now).AddDays(1) : null;
    }

    private ProtocolException Exceeded(string orgId, string workspaceId, string dimension, long used, long limit)
    {
        var reset = ResetAt(dimension);
        // A level (bytes stored, accounts, open tasks) frees up when something is removed or finished: try in a minute.
        var retryAfter = reset is { } r ? Math.Max(1, (int)Math.Ceiling((r - time.GetUtcNow()).TotalSeconds)) : 60;
        var details = new Dictionary<string, string>
        {
            ["dimension"] = dimension,
            ["used"] = used.ToString(CultureInfo.InvariantCulture),
            ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
            ["retry_after"] = retryAfter.ToString(CultureInfo.InvariantCulture),
        };
        if (reset is { } at) details["reset_at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var when = reset is not null ? $"it resets at {details["reset_at"]}" : "it frees up as things are removed or finish";
        return new ProtocolException(429, "quota_exceeded",
            $"workspace {orgId}/{workspaceId} reached its {dimension} quota ({used} of {limit} used): {when}, or an admin raises it with PATCH /v1/quotas",
            details);
    }
}
