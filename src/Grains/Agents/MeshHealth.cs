using Axme.Grains.Interfaces.Agents;

namespace Axme.Grains.Agents;

/// <summary>
/// The mesh's view of an agent, pure: heartbeats folded into daily report buckets, presence from the last heartbeat,
/// and the official SDKs' health_status from presence, kill and the window's failure rate (docs/adr/022).
/// </summary>
public static class MeshHealth
{
    /// <summary>Three missed heartbeats of the SDKs' default 30 s interval.</summary>
    public static readonly TimeSpan OnlineWithin = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan OfflineAfter = TimeSpan.FromMinutes(5);
    /// <summary>An online agent that failed this share of what it reported in the window is degraded.</summary>
    public const double DegradedFailureRate = 0.5;
    public const int KeptDays = 31;

    /// <summary>The health after a heartbeat at <paramref name="now"/>: its metrics added to today's bucket, days older than a month dropped.</summary>
    public static AgentHealth Beat(AgentHealth health, MeshHeartbeat beat, DateTimeOffset now)
    {
        var days = health.Days.ToList();
        if (beat.Metrics is { } m)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var day = days.Find(d => d.Day == today) ?? new MeshDay { Day = today };
            days.Remove(day);
            var withLatency = m.AvgLatencyMs is >= 0 ? Math.Max(1, m.IntentsTotal) : 0;
            days.Add(day with
            {
                IntentsTotal = day.IntentsTotal + m.IntentsTotal, IntentsSucceeded = day.IntentsSucceeded + m.IntentsSucceeded,
                IntentsFailed = day.IntentsFailed + m.IntentsFailed, CostUsd = day.CostUsd + m.CostUsd,
                LatencySumMs = day.LatencySumMs + (m.AvgLatencyMs ?? 0) * withLatency, LatencyCount = day.LatencyCount + withLatency,
            });
            days = [.. days.Where(d => d.Day > today.AddDays(-KeptDays)).OrderBy(d => d.Day)];
        }
        return health with { LastHeartbeatAt = now, Version = beat.Version ?? health.Version, MetadataJson = beat.MetadataJson ?? health.MetadataJson, Days = days };
    }

    public static string Presence(DateTimeOffset? lastHeartbeat, DateTimeOffset now) => lastHeartbeat switch
    {
        null => MeshPresence.Never,
        { } at when now - at <= OnlineWithin => MeshPresence.Online,
        { } at when now - at <= OfflineAfter => MeshPresence.Stale,
        _ => MeshPresence.Offline,
    };

    /// <summary>
    /// killed over everything; never seen: unknown; offline: unreachable; stale, or online with half or more of the
    /// window's reported intents failed: degraded; else healthy.
    /// </summary>
    public static string Status(string presence, bool killed, double? failureRate) =>
        killed ? MeshHealthStatus.Killed
        : presence == MeshPresence.Never ? MeshHealthStatus.Unknown
        : presence == MeshPresence.Offline ? MeshHealthStatus.Unreachable
        : presence == MeshPresence.Stale || failureRate >= DegradedFailureRate ? MeshHealthStatus.Degraded
        : MeshHealthStatus.Healthy;

    /// <summary>The agent as the mesh shows it over a window: today (day), the last 7 days (week) or 30 days (month).</summary>
    public static MeshAgentView View(AgentRecord agent, AgentHealth? health, string window, DateTimeOffset now)
    {
        var h = health ?? new AgentHealth();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = today.AddDays(-(window switch { "day" => 0, "week" => 6, _ => 29 }));
        var days = h.Days.Where(d => d.Day >= from).ToList();
        var total = days.Sum(d => d.IntentsTotal);
        var failed = days.Sum(d => d.IntentsFailed);
        var latencyCount = days.Sum(d => d.LatencyCount);
        var presence = Presence(h.LastHeartbeatAt, now);
        double? failureRate = total > 0 ? Math.Round(Math.Min(1, (double)failed / total), 4) : null;
        return new MeshAgentView
        {
            Agent = agent, LastHeartbeatAt = h.LastHeartbeatAt, Presence = presence,
            HealthStatus = Status(presence, agent.Killed is not null, failureRate),
            Version = h.Version, MetadataJson = h.MetadataJson, IntentsPeriod = total, FailedPeriod = failed,
            CostPeriod = Math.Round(days.Sum(d => d.CostUsd), 6),
            AvgLatencyMs = latencyCount > 0 ? Math.Round(days.Sum(d => d.LatencySumMs) / latencyCount, 3) : null,
            FailureRate = failureRate,
        };
    }
}
