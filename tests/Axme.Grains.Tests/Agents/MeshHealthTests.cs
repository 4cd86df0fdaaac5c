using Axme.Grains.Agents;
using Axme.Grains.Interfaces.Agents;

namespace Axme.Grains.Tests.Agents;

/// <summary>The mesh's view of an agent (pure): presence from the last heartbeat, health_status, and the windows of its reports.</summary>
public sealed class MeshHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static readonly AgentRecord Agent = new()
    {
        Address = "agent://acme/prod/worker", ServiceAccountId = "sa_1", OrgId = "acme", WorkspaceId = "prod", Name = "worker",
        Status = "active", CreatedAt = Now.AddDays(-40), UpdatedAt = Now.AddDays(-40),
    };

    private static MeshHeartbeat Report(long total, long failed, double latency = 100, double cost = 1) =>
        new() { Metrics = new MeshMetrics { IntentsTotal = total, IntentsSucceeded = total - failed, IntentsFailed = failed, AvgLatencyMs = latency, CostUsd = cost } };

    [Theory]
    [InlineData(null, MeshPresence.Never, MeshHealthStatus.Unknown)]
    [InlineData(30, MeshPresence.Online, MeshHealthStatus.Healthy)]
    [InlineData(90, MeshPresence.Online, MeshHealthStatus.Healthy)]
    [InlineData(91, MeshPresence.Stale, MeshHealthStatus.Degraded)]
    [InlineData(300, MeshPresence.Stale, MeshHealthStatus.Degraded)]
    [InlineData(301, MeshPresence.Offline, MeshHealthStatus.Unreachable)]
    public void Presence_and_health_follow_the_last_heartbeat(int? secondsAgo, string presence, string status)
    {
        var health = new AgentHealth { LastHeartbeatAt = secondsAgo is { } s ? Now.AddSeconds(-s) : null };
        var view = MeshHealth.View(Agent, health, "day", Now);
        Assert.Equal(presence, view.Presence);
        Assert.Equal(status, view.HealthStatus);
        Assert.Equal(MeshHealthStatus.Killed, MeshHealth.View(Agent with { Killed = new AgentKill { At = Now, By = "sa_op" } }, health, "day", Now).HealthStatus);
    }

    [Fact]
    public void Reports_add_up_per_day_and_each_window_counts_its_own_days()
    {
        var h = new AgentHealth();
        h = MeshHealth.Beat(h, Report(10, 1, latency: 100, cost: 0.5), Now.AddDays(-40)); // dropped: older than a month
        h = MeshHealth.Beat(h, Report(4, 0, latency: 200, cost: 1), Now.AddDays(-20));
        h = MeshHealth.Beat(h, Report(2, 2, latency: 50, cost: 2), Now.AddDays(-3));
        h = MeshHealth.Beat(h, Report(2, 0, latency: 10, cost: 3), Now.AddHours(-1));
        h = MeshHealth.Beat(h, new MeshHeartbeat { Version = "3.0" }, Now);

        Assert.Equal(3, h.Days.Count);
        Assert.Equal(Now, h.LastHeartbeatAt);
        Assert.Equal("3.0", h.Version);
        var day = MeshHealth.View(Agent, h, "day", Now);
        Assert.Equal((2L, 0L, 3.0, 10.0), (day.IntentsPeriod, day.FailedPeriod, day.CostPeriod, day.AvgLatencyMs!.Value));
        Assert.Equal(MeshHealthStatus.Healthy, day.HealthStatus);
        var week = MeshHealth.View(Agent, h, "week", Now);
        Assert.Equal((4L, 2L, 5.0, 30.0), (week.IntentsPeriod, week.FailedPeriod, week.CostPeriod, week.AvgLatencyMs!.Value));
        Assert.Equal(0.5, week.FailureRate);
        Assert.Equal(MeshHealthStatus.Degraded, week.HealthStatus); // half of the week's reports failed
        var month = MeshHealth.View(Agent, h, "month", Now);
        Assert.Equal((8L, 6.0), (month.IntentsPeriod, month.CostPeriod));
    }
}
