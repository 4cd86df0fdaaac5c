using System.Text.Json.Nodes;
using Axme.Api.Agents;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Mesh;

/// <summary>
/// The agent mesh (the official SDKs' mesh routes, docs/adr/022): heartbeats, the workspace's agents with their health,
/// kill and resume, and the mesh log; for REST (MeshEndpoints) and the MCP tools.
/// </summary>
public static class MeshOperations
{
    /// <summary>409 agent_killed for a delivery route of a killed agent (its own keys are already refused at authentication).</summary>
    public static void NotKilled(AgentRecord agent)
    {
        if (agent.Killed is { } k) throw Killed(agent.Address, $" (since {WireTime.Format(k.At)})");
    }

    /// <summary>409 agent_killed for a delivery route of a killed agent.</summary>
    public static ProtocolException Killed(string address, string since = "") =>
        new(409, "agent_killed", $"{address} is killed{since}: nothing is delivered to it until it is resumed", new Dictionary<string, string> { ["address"] = address });

    /// <summary>The heartbeat of the caller's agent (or, for an admin, of owner_agent).</summary>
    public static async Task<MeshAgentResponse> HeartbeatAsync(IGrainFactory grains, DeliveryQueries deliveries, Caller caller, string? ownerAgent, RequestBody body, CancellationToken ct)
    {
        if (caller.IsHuman) throw ProtocolException.Forbidden("a human user's key has no agent to report: heartbeats come from agents");
        // An agent says that it is alive, not that another one is: owner_agent is for admins.
        if (ownerAgent is not null && ownerAgent != caller.AgentAddress && !caller.IsAdmin)
            throw ProtocolException.Forbidden("an agent's key sends its own heartbeat only (owner_agent is for admin keys)");
        var metrics = body.Root["metrics"] switch
        {
            null => null,
            JsonObject m => new RequestBody(m),
            _ => throw ProtocolException.Invalid("metrics", "metrics must be an object"),
        };
        var beat = new MeshHeartbeat
        {
            Metrics = metrics is null ? null : new MeshMetrics
            {
                IntentsTotal = Count(metrics, "intents_total"), IntentsSucceeded = Count(metrics, "intents_succeeded"),
                IntentsFailed = Count(metrics, "intents_failed"), AvgLatencyMs = metrics.Number("avg_latency_ms", 0, 1e9),
                CostUsd = metrics.Number("cost_usd", 0, 1e12) ?? 0,
            },
            Version = body.String("version", 100),
            MetadataJson = body.Object("metadata") is { } meta && meta.Length <= 4096 ? meta
                : body.Object("metadata") is null ? null : throw ProtocolException.Invalid("metadata", "metadata must be at most 4096 bytes of JSON"),
        };
        var view = await grains.GetGrain<IAgentGrain>(ownerAgent ?? caller.AgentAddress).HeartbeatAsync(beat);
        return new MeshAgentResponse { Agent = (await WireAsync(deliveries, [view], ct))[0] };
    }

    private static long Count(RequestBody metrics, string name) => metrics.Int(name, 0) ?? 0;

    /// <summary>The workspace's agents with their health over the window (day, week, month), by health if asked.</summary>
    public static async Task<MeshAgentList> ListAsync(IGrainFactory grains, DeliveryQueries deliveries, Caller caller, IQueryCollection query, CancellationToken ct)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var limit = Query.Int(query, "limit", 1, Accounts.WorkspaceDirectory.MaxLimit) ?? Accounts.WorkspaceDirectory.DefaultLimit;
        var window = Window(query);
        var health = Query.String(query, "health") is { } h
            ? MeshHealthStatus.All.Contains(h) ? h : throw ProtocolException.Invalid("health", $"health must be one of {string.Join(", ", MeshHealthStatus.All)}")
            : null;
        var page = await Accounts.WorkspaceDirectory.PageAsync(grains, org, ws, a => !a.IsHuman, null, limit);
        var views = (await Task.WhenAll(page.Accounts.Select(a => grains.GetGrain<IAgentGrain>(a.AgentAddress).GetMeshAsync(window)))).OfType<MeshAgentView>().ToList();
        var agents = await WireAsync(deliveries, views, ct);
        return new MeshAgentList
        {
            Agents = [.. agents.Where(a => health is null || a.HealthStatus == health)],
            Window = window,
            Summary = new MeshSummary
            {
                Total = agents.Count, Healthy = Counted(agents, MeshHealthStatus.Healthy), Degraded = Counted(agents, MeshHealthStatus.Degraded),
                Unreachable = Counted(agents, MeshHealthStatus.Unreachable), Killed = Counted(agents, MeshHealthStatus.Killed),
                Unknown = Counted(agents, MeshHealthStatus.Unknown),
            },
        };
    }

    private static int Counted(IEnumerable<MeshAgent> agents, string health) => agents.Count(a => a.HealthStatus == health);

    private static string Window(IQueryCollection query) => Query.String(query, "window") is { } w
        ? MeshWindows.All.Contains(w) ? w : throw ProtocolException.Invalid("window", "window must be day, week or month")
        : "day";

    public static async Task<MeshAgentResponse> GetAsync(IGrainFactory grains, DeliveryQueries deliveries, Caller caller, string addressId, IQueryCollection query, CancellationToken ct)
    {
        var agent = await ResolveAsync(grains, caller, addressId);
        var view = await grains.GetGrain<IAgentGrain>(agent.Address).GetMeshAsync(Window(query)) ?? throw ProtocolException.NotFound("agent", addressId);
        return new MeshAgentResponse { Agent = (await WireAsync(deliveries, [view], ct))[0], Events = await EventsOfAsync(grains, agent, 20) };
    }

    /// <summary>Kill (or resume) an agent: by whoever manages its account (itself, the key that created it, an admin).</summary>
    public static async Task<MeshAgentResponse> KillAsync(IGrainFactory grains, DeliveryQueries deliveries, Caller caller, string addressId, RequestBody body, CancellationToken ct)
    {
        var agent = await ResolveAsync(grains, caller, addressId);
        await Accounts.AccountAccess.MustManageAgentAsync(grains, caller, agent, "kill it");
        var view = await grains.GetGrain<IAgentGrain>(agent.Address).KillAsync(caller.ServiceAccountId, body.String("reason", 1000));
        return new MeshAgentResponse { Agent = (await WireAsync(deliveries, [view], ct))[0], Events = await EventsOfAsync(grains, agent, 5) };
    }

    public static async Task<MeshAgentResponse> ResumeAsync(IGrainFactory grains, DeliveryQueries deliveries, Caller caller, string addressId, CancellationToken ct)
    {
        var agent = await ResolveAsync(grains, caller, addressId);
        await Accounts.AccountAccess.MustManageAgentAsync(grains, caller, agent, "resume it");
        var view = await grains.GetGrain<IAgentGrain>(agent.Address).ResumeAsync(caller.ServiceAccountId);
        // What waited for a push binding goes out now (stream and poll listeners read it when they come back).
        await AgentOperations.RedispatchWaitingAsync(grains, deliveries, view.Agent, ct);
        return new MeshAgentResponse { Agent = (await WireAsync(deliveries, [view], ct))[0], Events = await EventsOfAsync(grains, agent, 5) };
    }

    public static async Task<MeshEventList> EventsAsync(IGrainFactory grains, Caller caller, IQueryCollection query)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var limit = Query.Int(query, "limit", 1, 1000) ?? 50;
        var events = await grains.GetGrain<IMeshEventLogGrain>(IMeshEventLogGrain.KeyFor(org, ws)).ListAsync(limit, Query.String(query, "event_type"), null);
        return new MeshEventList { Events = [.. events.Select(Wire)] };
    }

    /// <summary>An agent by its address_id (its service account id), its name or its address, in the caller's reach.</summary>
    private static async Task<AgentRecord> ResolveAsync(IGrainFactory grains, Caller caller, string addressId)
    {
        if (addressId.StartsWith("sa_", StringComparison.Ordinal))
        {
            var account = await grains.GetGrain<IServiceAccountGrain>(addressId).GetAsync();
            if (account is null || account.IsHuman || !caller.CanAccess(account.OrgId, account.WorkspaceId)) throw ProtocolException.NotFound("agent", addressId);
            addressId = account.AgentAddress;
        }
        return await AgentOperations.ResolveAsync(grains, caller, addressId);
    }

    private static async Task<IReadOnlyList<MeshEvent>> EventsOfAsync(IGrainFactory grains, AgentRecord agent, int limit) =>
        [.. (await grains.GetGrain<IMeshEventLogGrain>(IMeshEventLogGrain.KeyFor(agent.OrgId, agent.WorkspaceId)).ListAsync(limit, null, agent.Address)).Select(Wire)];

    private static async Task<List<MeshAgent>> WireAsync(DeliveryQueries deliveries, IReadOnlyList<MeshAgentView> views, CancellationToken ct)
    {
        var work = await deliveries.WorkAsync([.. views.Select(v => v.Agent.Address)], ct);
        return [.. views.Select(v =>
        {
            var (inFlight, queued) = work.GetValueOrDefault(v.Agent.Address);
            return new MeshAgent
            {
                AddressId = v.Agent.ServiceAccountId, Address = v.Agent.Address, DisplayName = v.Agent.DisplayName ?? v.Agent.Name,
                HealthStatus = v.HealthStatus, Status = v.Presence, LastHeartbeatAt = v.LastHeartbeatAt, CreatedAt = v.Agent.CreatedAt,
                IntentsPeriod = v.IntentsPeriod, CostPeriod = v.CostPeriod, FailureRate = v.FailureRate, AvgLatencyMs = v.AvgLatencyMs,
                InFlight = inFlight, Queued = queued, Version = v.Version, DeliveryMode = v.Agent.DeliveryMode,
                Metadata = v.MetadataJson is null ? null : JsonNode.Parse(v.MetadataJson) as JsonObject,
                KilledAt = v.Agent.Killed?.At, KilledBy = v.Agent.Killed?.By, KillReason = v.Agent.Killed?.Reason,
            };
        })];
    }

    private static MeshEvent Wire(MeshEventRecord e) => new()
    {
        EventId = e.EventId, Address = e.Address, EventType = e.EventType, ActorId = e.ActorId, CreatedAt = e.CreatedAt,
        Details = e.DetailsJson is null ? null : JsonNode.Parse(e.DetailsJson) as JsonObject,
    };
}
