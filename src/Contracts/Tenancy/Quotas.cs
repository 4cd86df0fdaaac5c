namespace Axme.Contracts;

/// <summary>A workspace's quota policy in force (GET/PATCH /v1/quotas, docs/adr/029): its own limits over the node's defaults.</summary>
public sealed record QuotaPolicyResource
{
    /// <summary>The policy's id (the node's own: made when an admin first sets the workspace's quotas; "default" until then).</summary>
    public required string QuotaPolicyId { get; init; }
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The limit of every dimension: the gateway's seven, then service_accounts, active_agents and open_human_tasks (node extensions).</summary>
    public required QuotaLimits Dimensions { get; init; }
    /// <summary>The percentage of a limit past which the node warns (a Warning in its log, once per workspace, dimension and period).</summary>
    public required int SoftThresholdPercent { get; init; }
    /// <summary>Whether a limit refuses (with overage_mode block); false only counts.</summary>
    public required bool HardEnforcement { get; init; }
    /// <summary>block refuses past a limit; grace and bill_overage count and warn but admit.</summary>
    public required string OverageMode { get; init; }
    /// <summary>Who last changed it (null while on the defaults).</summary>
    public string? UpdatedByActorId { get; init; }
    /// <summary>When it last changed (the workspace's creation while on the defaults).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>GET and PATCH /v1/quotas.</summary>
public sealed record QuotaPolicyResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The policy in force.</summary>
    public required QuotaPolicyResource QuotaPolicy { get; init; }
}

/// <summary>PATCH /v1/quotas (admin key): the dimensions given are set, the others kept.</summary>
public sealed record QuotaPatchRequest
{
    /// <summary>The organization (default: the caller's).</summary>
    public string? OrgId { get; init; }
    /// <summary>The workspace (default: the caller's).</summary>
    public string? WorkspaceId { get; init; }
    /// <summary>Limits by dimension name (each ≥ 0).</summary>
    public required IReadOnlyDictionary<string, long> Dimensions { get; init; }
    /// <summary>The warning threshold, 1-100 (default: kept).</summary>
    public int? SoftThresholdPercent { get; init; }
    /// <summary>Whether limits refuse (default: kept).</summary>
    public bool? HardEnforcement { get; init; }
    /// <summary>block, grace or bill_overage (default: kept).</summary>
    public string? OverageMode { get; init; }
    /// <summary>Who changed it, for the record (default: the caller's account).</summary>
    public string? UpdatedByActorId { get; init; }
}

/// <summary>One dimension's count against its limit.</summary>
public sealed record UsageDimension
{
    /// <summary>The count (or level) now.</summary>
    public required long Used { get; init; }
    /// <summary>The limit over the window.</summary>
    public required long Limit { get; init; }
    /// <summary>limit - used, never below 0.</summary>
    public required long Remaining { get; init; }
}

/// <summary>A workspace's usage over a window (GET /v1/usage/summary).</summary>
public sealed record UsageSummary
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The window's first instant (UTC midnight).</summary>
    public required DateTimeOffset WindowStart { get; init; }
    /// <summary>The window's last second.</summary>
    public required DateTimeOffset WindowEnd { get; init; }
    /// <summary>
    /// Every dimension: a daily one counts the window (used against limit × days), requests_per_minute the current
    /// minute, a level (media_storage_bytes, service_accounts, active_agents, open_human_tasks) its value now.
    /// </summary>
    public required UsageDimensions Dimensions { get; init; }
}

/// <summary>GET /v1/usage/summary.</summary>
public sealed record UsageSummaryResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The summary.</summary>
    public required UsageSummary Summary { get; init; }
}

/// <summary>One day of a usage time series: each counted dimension's events that day (requests_per_minute: the day's average per minute).</summary>
public sealed record UsagePoint
{
    /// <summary>The day (UTC midnight).</summary>
    public required DateTimeOffset At { get; init; }
    /// <summary>Counts by dimension.</summary>
    public required UsageCounts Dimensions { get; init; }
}

/// <summary>A workspace's daily usage.</summary>
public sealed record UsageSeries
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>day.</summary>
    public required string Granularity { get; init; }
    /// <summary>One point per UTC day of the window, oldest first, days without events included (zeros).</summary>
    public required IReadOnlyList<UsagePoint> Points { get; init; }
}

/// <summary>GET /v1/usage/timeseries.</summary>
public sealed record UsageSeriesResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The series.</summary>
    public required UsageSeries Series { get; init; }
}

/// <summary>What POST /v1/usage/rollups/daily wrote.</summary>
public sealed record UsageRollup
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Days rolled up, today included.</summary>
    public required int WindowDays { get; init; }
    /// <summary>Day rows written (a day and dimension each).</summary>
    public required int Upserted { get; init; }
    /// <summary>When the rollup ran.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>The days rolled up, oldest first, as stored.</summary>
    public required IReadOnlyList<UsagePoint> Days { get; init; }
}

/// <summary>POST /v1/usage/rollups/daily.</summary>
public sealed record UsageRollupResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>What was written.</summary>
    public required UsageRollup Rollup { get; init; }
}

/// <summary>GET /v1/portal/enterprise/overview: what the official CLI's `axme quota show` reads.</summary>
public sealed record EnterpriseOverviewResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The overview.</summary>
    public required EnterpriseOverview Overview { get; init; }
}

/// <summary>A workspace's quota policy and today's usage.</summary>
public sealed record EnterpriseOverview
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>The policy in force.</summary>
    public required QuotaPolicyResource QuotaPolicy { get; init; }
    /// <summary>Today's usage.</summary>
    public required UsageSummary UsageSummary { get; init; }
}

/// <summary>A limit per dimension: the gateway's seven, then the node's three (docs/adr/029).</summary>
public sealed record QuotaLimits
{
    /// <summary>Requests per minute (per node).</summary>
    public required long RequestsPerMinute { get; init; }
    /// <summary>Intents submitted per UTC day (a workflow's steps are counted, never refused).</summary>
    public required long IntentsPerDay { get; init; }
    /// <summary>Inbox replies, delegations, decisions and deletions per UTC day.</summary>
    public required long InboxWritesPerDay { get; init; }
    /// <summary>Media bytes uploaded per UTC day.</summary>
    public required long MediaUploadBytesPerDay { get; init; }
    /// <summary>Media bytes kept.</summary>
    public required long MediaStorageBytes { get; init; }
    /// <summary>Webhook POSTs per UTC day (counted, never refused).</summary>
    public required long WebhookDeliveriesPerDay { get; init; }
    /// <summary>Schema registrations per UTC day.</summary>
    public required long SchemaWritesPerDay { get; init; }
    /// <summary>Accounts (agents, users, principals) the workspace holds (node extension).</summary>
    public required long ServiceAccounts { get; init; }
    /// <summary>Agent accounts the workspace holds (node extension).</summary>
    public required long ActiveAgents { get; init; }
    /// <summary>Human tasks waiting at once (node extension).</summary>
    public required long OpenHumanTasks { get; init; }
}

/// <summary>Each dimension's count against its limit.</summary>
public sealed record UsageDimensions
{
    /// <summary>Requests this minute.</summary>
    public required UsageDimension RequestsPerMinute { get; init; }
    /// <summary>Intents created.</summary>
    public required UsageDimension IntentsPerDay { get; init; }
    /// <summary>Inbox writes.</summary>
    public required UsageDimension InboxWritesPerDay { get; init; }
    /// <summary>Media bytes uploaded.</summary>
    public required UsageDimension MediaUploadBytesPerDay { get; init; }
    /// <summary>Media bytes kept now.</summary>
    public required UsageDimension MediaStorageBytes { get; init; }
    /// <summary>Webhook POSTs.</summary>
    public required UsageDimension WebhookDeliveriesPerDay { get; init; }
    /// <summary>Schema registrations.</summary>
    public required UsageDimension SchemaWritesPerDay { get; init; }
    /// <summary>Accounts now (node extension).</summary>
    public required UsageDimension ServiceAccounts { get; init; }
    /// <summary>Agent accounts now (node extension).</summary>
    public required UsageDimension ActiveAgents { get; init; }
    /// <summary>Human tasks waiting now (node extension).</summary>
    public required UsageDimension OpenHumanTasks { get; init; }
}

/// <summary>One day's counts: events of the day; levels only on today's point (their value now).</summary>
public sealed record UsageCounts
{
    /// <summary>The day's average requests per minute.</summary>
    public required long RequestsPerMinute { get; init; }
    /// <summary>Intents created that day.</summary>
    public required long IntentsPerDay { get; init; }
    /// <summary>Inbox writes that day.</summary>
    public required long InboxWritesPerDay { get; init; }
    /// <summary>Media bytes uploaded that day.</summary>
    public required long MediaUploadBytesPerDay { get; init; }
    /// <summary>Media bytes kept (today's point; 0 before it: levels keep no history in the buckets).</summary>
    public required long MediaStorageBytes { get; init; }
    /// <summary>Webhook POSTs that day.</summary>
    public required long WebhookDeliveriesPerDay { get; init; }
    /// <summary>Schema registrations that day.</summary>
    public required long SchemaWritesPerDay { get; init; }
    /// <summary>Accounts (today's point only; node extension).</summary>
    public long? ServiceAccounts { get; init; }
    /// <summary>Agent accounts (today's point only; node extension).</summary>
    public long? ActiveAgents { get; init; }
    /// <summary>Open human tasks (today's point only; node extension).</summary>
    public long? OpenHumanTasks { get; init; }
}
