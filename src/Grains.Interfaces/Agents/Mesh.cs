namespace Axme.Grains.Interfaces.Agents;

/// <summary>An agent stopped by an operator (POST /v1/mesh/agents/{id}/kill): when, by whom, why.</summary>
[GenerateSerializer, Immutable, Alias("axme.agent-kill")]
public sealed record AgentKill
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    /// <summary>The service account that killed it.</summary>
    [Id(1)] public required string By { get; init; }
    [Id(2)] public string? Reason { get; init; }
}

/// <summary>What an agent reports with a heartbeat (the official SDKs' mesh metrics, counted since its last heartbeat).</summary>
[GenerateSerializer, Immutable, Alias("axme.mesh-metrics")]
public sealed record MeshMetrics
{
    [Id(0)] public long IntentsTotal { get; init; }
    [Id(1)] public long IntentsSucceeded { get; init; }
    [Id(2)] public long IntentsFailed { get; init; }
    [Id(3)] public double? AvgLatencyMs { get; init; }
    [Id(4)] public double CostUsd { get; init; }
}

/// <summary>One heartbeat: optional metrics, the agent's version and free-form metadata (JSON object text).</summary>
[GenerateSerializer, Immutable, Alias("axme.mesh-heartbeat")]
public sealed record MeshHeartbeat
{
    [Id(0)] public MeshMetrics? Metrics { get; init; }
    [Id(1)] public string? Version { get; init; }
    [Id(2)] public string? MetadataJson { get; init; }
}

/// <summary>One UTC day of an agent's reported metrics (the windows day, week and month add them up).</summary>
[GenerateSerializer, Immutable, Alias("axme.mesh-day")]
public sealed record MeshDay
{
    [Id(0)] public required DateOnly Day { get; init; }
    [Id(1)] public long IntentsTotal { get; init; }
    [Id(2)] public long IntentsSucceeded { get; init; }
    [Id(3)] public long IntentsFailed { get; init; }
    [Id(4)] public double CostUsd { get; init; }
    /// <summary>Latency summed over the reported intents with a latency, and how many: the average is their quotient.</summary>
    [Id(5)] public double LatencySumMs { get; init; }
    [Id(6)] public long LatencyCount { get; init; }
}

/// <summary>What the mesh knows of an agent: its last heartbeat, what it reported, and whether it is killed.</summary>
[GenerateSerializer, Immutable, Alias("axme.agent-health")]
public sealed record AgentHealth
{
    [Id(0)] public DateTimeOffset? LastHeartbeatAt { get; init; }
    [Id(1)] public string? Version { get; init; }
    [Id(2)] public string? MetadataJson { get; init; }
    /// <summary>The last 31 UTC days with reports, oldest first.</summary>
    [Id(3)] public IReadOnlyList<MeshDay> Days { get; init; } = [];
    [Id(4)] public AgentKill? Killed { get; init; }
}

/// <summary>An entry of a workspace's mesh log (GET /v1/mesh/events): kills, resumes, agents coming online.</summary>
[GenerateSerializer, Immutable, Alias("axme.mesh-event")]
public sealed record MeshEventRecord
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required string Address { get; init; }
    /// <summary><see cref="MeshEventTypes"/>.</summary>
    [Id(2)] public required string EventType { get; init; }
    [Id(3)] public string? DetailsJson { get; init; }
    /// <summary>The service account that acted (null for what the mesh observed itself).</summary>
    [Id(4)] public string? ActorId { get; init; }
    [Id(5)] public required DateTimeOffset CreatedAt { get; init; }
}

public static class MeshEventTypes
{
    public const string Killed = "agent.killed";
    public const string Resumed = "agent.resumed";
    /// <summary>A heartbeat from an agent that had none, or none for longer than the offline threshold.</summary>
    public const string Online = "agent.online";
}

/// <summary>A workspace's mesh log (key "org/workspace"): the most recent events, bounded.</summary>
[Alias("axme.IMeshEventLogGrain")]
public interface IMeshEventLogGrain : IGrainWithStringKey
{
    static string KeyFor(string orgId, string workspaceId) => $"{orgId}/{workspaceId}";

    [Alias("Append")]
    Task AppendAsync(MeshEventRecord e);

    /// <summary>The newest first, at most <paramref name="limit"/>, of one type or all.</summary>
    [Alias("List")]
    Task<IReadOnlyList<MeshEventRecord>> ListAsync(int limit, string? eventType, string? address);
}

/// <summary>An agent as the mesh shows it, over a window of its reports (day, week or month).</summary>
[GenerateSerializer, Immutable, Alias("axme.mesh-agent-view")]
public sealed record MeshAgentView
{
    [Id(0)] public required AgentRecord Agent { get; init; }
    [Id(1)] public DateTimeOffset? LastHeartbeatAt { get; init; }
    /// <summary><see cref="MeshPresence"/>.</summary>
    [Id(2)] public required string Presence { get; init; }
    /// <summary><see cref="MeshHealthStatus"/>.</summary>
    [Id(3)] public required string HealthStatus { get; init; }
    [Id(4)] public string? Version { get; init; }
    [Id(5)] public string? MetadataJson { get; init; }
    [Id(6)] public long IntentsPeriod { get; init; }
    [Id(7)] public long FailedPeriod { get; init; }
    [Id(8)] public double CostPeriod { get; init; }
    [Id(9)] public double? AvgLatencyMs { get; init; }
    /// <summary>Failed of reported intents in the window, 0–1; null when it reported none.</summary>
    [Id(10)] public double? FailureRate { get; init; }
}

/// <summary>Whether an agent's heartbeats arrive: online (within 90 s), stale (within 5 min), offline, or never seen.</summary>
public static class MeshPresence
{
    public const string Online = "online";
    public const string Stale = "stale";
    public const string Offline = "offline";
    public const string Never = "never";
}

/// <summary>The windows of the period figures: today (UTC), the last 7 days, the last 30 days.</summary>
public static class MeshWindows
{
    public static readonly IReadOnlyList<string> All = ["day", "week", "month"];
}

/// <summary>The official SDKs' health_status values.</summary>
public static class MeshHealthStatus
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unreachable = "unreachable";
    public const string Killed = "killed";
    public const string Unknown = "unknown";
    public static readonly IReadOnlyList<string> All = [Healthy, Degraded, Unreachable, Killed, Unknown];
}
