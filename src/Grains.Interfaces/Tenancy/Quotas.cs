namespace Axme.Grains.Interfaces.Tenancy;

/// <summary>
/// A workspace's quota policy as an admin set it (PATCH /v1/quotas, docs/adr/029): only the dimensions it names;
/// the others take the node's defaults (<see cref="QuotaOptions"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("axme.quota-policy")]
public sealed record QuotaPolicy
{
    [Id(0)] public required string QuotaPolicyId { get; init; }
    [Id(1)] public required Dictionary<string, long> Dimensions { get; init; }
    [Id(2)] public int? SoftThresholdPercent { get; init; }
    [Id(3)] public bool? HardEnforcement { get; init; }
    [Id(4)] public string? OverageMode { get; init; }
    [Id(5)] public string? UpdatedBy { get; init; }
    [Id(6)] public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The quota dimensions: the gateway's seven, then the node's own (ADR 029), each counted per workspace.</summary>
public static class QuotaDimensions
{
    public const string RequestsPerMinute = "requests_per_minute";
    public const string IntentsPerDay = "intents_per_day";
    public const string InboxWritesPerDay = "inbox_writes_per_day";
    public const string MediaUploadBytesPerDay = "media_upload_bytes_per_day";
    public const string MediaStorageBytes = "media_storage_bytes";
    public const string WebhookDeliveriesPerDay = "webhook_deliveries_per_day";
    public const string SchemaWritesPerDay = "schema_writes_per_day";
    public const string ServiceAccounts = "service_accounts";
    public const string ActiveAgents = "active_agents";
    public const string OpenHumanTasks = "open_human_tasks";

    /// <summary>Every dimension, in the order responses list them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        RequestsPerMinute, IntentsPerDay, InboxWritesPerDay, MediaUploadBytesPerDay, MediaStorageBytes, WebhookDeliveriesPerDay,
        SchemaWritesPerDay, ServiceAccounts, ActiveAgents, OpenHumanTasks,
    ];

    /// <summary>Dimensions that count events over a UTC day (the rest are a minute's requests or a level: bytes stored, accounts, open tasks).</summary>
    public static readonly IReadOnlySet<string> Daily = new HashSet<string>
    {
        IntentsPerDay, InboxWritesPerDay, MediaUploadBytesPerDay, WebhookDeliveriesPerDay, SchemaWritesPerDay,
    };

    /// <summary>Dimensions whose events are written to axme_usage's hourly buckets: the daily ones and requests.</summary>
    public static readonly IReadOnlySet<string> Counted = new HashSet<string>(Daily) { RequestsPerMinute };

    public static readonly IReadOnlySet<string> OverageModes = new HashSet<string> { "block", "grace", "bill_overage" };
}

/// <summary>
/// The node's default quotas (configuration Axme:Quotas), what a workspace has until an admin sets its own. Generous:
/// a self-hosted node's operator opts into limits; the defaults only stop a runaway client.
/// </summary>
public sealed class QuotaOptions
{
    public const string Section = "Axme:Quotas";

    public Dictionary<string, long> Defaults { get; set; } = new()
    {
        [QuotaDimensions.RequestsPerMinute] = 1_000_000,
        [QuotaDimensions.IntentsPerDay] = 10_000_000,
        [QuotaDimensions.InboxWritesPerDay] = 1_000_000,
        [QuotaDimensions.MediaUploadBytesPerDay] = 50L << 30,
        [QuotaDimensions.MediaStorageBytes] = 100L << 30,
        [QuotaDimensions.WebhookDeliveriesPerDay] = 10_000_000,
        [QuotaDimensions.SchemaWritesPerDay] = 100_000,
        [QuotaDimensions.ServiceAccounts] = 10_000,
        [QuotaDimensions.ActiveAgents] = 10_000,
        [QuotaDimensions.OpenHumanTasks] = 1_000_000,
    };

    public int SoftThresholdPercent { get; set; } = 80;
    public bool HardEnforcement { get; set; } = true;
    public string OverageMode { get; set; } = "block";

    /// <summary>The policy in force: the workspace's own values over these defaults.</summary>
    public EffectiveQuota Effective(QuotaPolicy? own)
    {
        var limits = QuotaDimensions.All.ToDictionary(d => d,
            d => own is not null && own.Dimensions.TryGetValue(d, out var v) ? v : Defaults.GetValueOrDefault(d, long.MaxValue));
        return new EffectiveQuota(own?.QuotaPolicyId, limits, own?.SoftThresholdPercent ?? SoftThresholdPercent,
            own?.HardEnforcement ?? HardEnforcement, own?.OverageMode ?? OverageMode, own?.UpdatedBy, own?.UpdatedAt);
    }
}

/// <summary>A workspace's quota policy in force. Only hard enforcement in block mode refuses; grace and bill_overage count and warn.</summary>
public sealed record EffectiveQuota(
    string? QuotaPolicyId,
    IReadOnlyDictionary<string, long> Limits,
    int SoftThresholdPercent,
    bool HardEnforcement,
    string OverageMode,
    string? UpdatedBy,
    DateTimeOffset? UpdatedAt)
{
    public bool Blocks => HardEnforcement && OverageMode == "block";
}
