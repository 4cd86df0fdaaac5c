using System.Text.Json.Nodes;

namespace Axme.Contracts;

/// <summary>POST /v1/mesh/heartbeat (the official SDKs' mesh): an optional body; metrics are counted since the last heartbeat.</summary>
public sealed record MeshHeartbeatRequest
{
    /// <summary>intents_total, intents_succeeded, intents_failed, avg_latency_ms, cost_usd.</summary>
    public MeshMetricsReport? Metrics { get; init; }
    /// <summary>The agent's version (shown in the mesh).</summary>
    public string? Version { get; init; }
    /// <summary>Free-form facts about the agent (shown in the mesh).</summary>
    public JsonObject? Metadata { get; init; }
}

/// <summary>What an agent counted since its last heartbeat (the SDKs' report_metric buffer).</summary>
public sealed record MeshMetricsReport
{
    /// <summary>Intents handled.</summary>
    public long IntentsTotal { get; init; }
    /// <summary>Of them, succeeded.</summary>
    public long IntentsSucceeded { get; init; }
    /// <summary>Of them, failed.</summary>
    public long IntentsFailed { get; init; }
    /// <summary>Their average latency.</summary>
    public double? AvgLatencyMs { get; init; }
    /// <summary>Their cost.</summary>
    public double CostUsd { get; init; }
}

/// <summary>An agent as the mesh shows it (the TypeScript SDK's MeshAgent, and what the node adds).</summary>
public sealed record MeshAgent
{
    /// <summary>The id the mesh routes take: the agent's service account id.</summary>
    public required string AddressId { get; init; }
    /// <summary>Its address (agent://org/workspace/name).</summary>
    public required string Address { get; init; }
    /// <summary>Its display name (else its name).</summary>
    public required string DisplayName { get; init; }
    /// <summary>healthy, degraded, unreachable, killed or unknown (never heard from).</summary>
    public required string HealthStatus { get; init; }
    /// <summary>online (a heartbeat within 90 s), stale (within 5 min), offline or never.</summary>
    public required string Status { get; init; }
    /// <summary>Its last heartbeat.</summary>
    public DateTimeOffset? LastHeartbeatAt { get; init; }
    /// <summary>When it was registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Intents it reported in the window (day, week or month).</summary>
    public long IntentsPeriod { get; init; }
    /// <summary>Cost it reported in the window.</summary>
    public double CostPeriod { get; init; }
    /// <summary>Failed share of what it reported in the window, 0–1 (null: it reported none).</summary>
    public double? FailureRate { get; init; }
    /// <summary>Average latency it reported in the window.</summary>
    public double? AvgLatencyMs { get; init; }
    /// <summary>Intents handed to it and not finished (delivered, acknowledged, in progress).</summary>
    public long InFlight { get; init; }
    /// <summary>Intents to it not yet handed out (they wait while it is killed).</summary>
    public long Queued { get; init; }
    /// <summary>Its version, from its heartbeat.</summary>
    public string? Version { get; init; }
    /// <summary>Its delivery binding.</summary>
    public required string DeliveryMode { get; init; }
    /// <summary>What it reported as metadata.</summary>
    public JsonObject? Metadata { get; init; }
    /// <summary>When it was killed (null unless killed).</summary>
    public DateTimeOffset? KilledAt { get; init; }
    /// <summary>Who killed it.</summary>
    public string? KilledBy { get; init; }
    /// <summary>Why.</summary>
    public string? KillReason { get; init; }
}

/// <summary>Counts of a list's agents by health.</summary>
public sealed record MeshSummary
{
    /// <summary>Agents listed.</summary>
    public int Total { get; init; }
    /// <summary>Healthy.</summary>
    public int Healthy { get; init; }
    /// <summary>Degraded.</summary>
    public int Degraded { get; init; }
    /// <summary>Unreachable.</summary>
    public int Unreachable { get; init; }
    /// <summary>Killed.</summary>
    public int Killed { get; init; }
    /// <summary>Never heard from.</summary>
    public int Unknown { get; init; }
}

/// <summary>GET /v1/mesh/agents.</summary>
public sealed record MeshAgentList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The workspace's agents (filtered by health).</summary>
    public required IReadOnlyList<MeshAgent> Agents { get; init; }
    /// <summary>Counts by health of the agents listed.</summary>
    public required MeshSummary Summary { get; init; }
    /// <summary>The window of the period figures: day, week or month.</summary>
    public required string Window { get; init; }
}

/// <summary>An entry of the mesh log.</summary>
public sealed record MeshEvent
{
    /// <summary>Its id.</summary>
    public required string EventId { get; init; }
    /// <summary>The agent's address.</summary>
    public required string Address { get; init; }
    /// <summary>agent.killed, agent.resumed or agent.online.</summary>
    public required string EventType { get; init; }
    /// <summary>What else is known (the reason of a kill, the version of an agent coming online).</summary>
    public JsonObject? Details { get; init; }
    /// <summary>The service account that acted (null for what the mesh observed).</summary>
    public string? ActorId { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>GET /v1/mesh/events.</summary>
public sealed record MeshEventList
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Newest first.</summary>
    public required IReadOnlyList<MeshEvent> Events { get; init; }
}

/// <summary>GET /v1/mesh/agents/{address_id}, kill, resume and the heartbeat's answer: the agent and its recent events.</summary>
public sealed record MeshAgentResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The agent.</summary>
    public required MeshAgent Agent { get; init; }
    /// <summary>Its newest mesh events.</summary>
    public IReadOnlyList<MeshEvent> Events { get; init; } = [];
}

/// <summary>POST /v1/auth/dashboard-token (the CLI's mesh dashboard): a link that signs a browser in to the mesh page once.</summary>
public sealed record DashboardTokenResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The one-time token (open {node}/auth/exchange?token=…).</summary>
    public required string Token { get; init; }
    /// <summary>Seconds it stays valid.</summary>
    public required int ExpiresIn { get; init; }
    /// <summary>This node's exchange link for the token.</summary>
    public required string ExchangeUrl { get; init; }
}
