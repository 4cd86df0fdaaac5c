using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- the agent mesh (the official SDKs' mesh routes) ----

    /// <summary>Tells the mesh the calling agent is alive (POST /v1/mesh/heartbeat), with what it counted since its last heartbeat.</summary>
    /// <param name="beat">Metrics, version and metadata, or null for a bare heartbeat (no body).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshAgentResponse> MeshHeartbeatAsync(MeshHeartbeatRequest? beat = null, CancellationToken ct = default) =>
        ContractJson.Read<MeshAgentResponse>(await SendAsync(HttpMethod.Post, "v1/mesh/heartbeat",
            beat is null ? null : JsonSerializer.SerializeToNode(beat, AxpJson.Info<MeshHeartbeatRequest>()), NewKey(), ct));

    /// <summary>The workspace's agents with their health (GET /v1/mesh/agents).</summary>
    /// <param name="health">Only agents with this health_status (healthy, degraded, unreachable, killed, unknown), or null.</param>
    /// <param name="window">day, week or month: the period of intents_period and cost_period.</param>
    /// <param name="limit">At most this many agents.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshAgentList> ListMeshAgentsAsync(string? health = null, string window = "day", int limit = 100, CancellationToken ct = default)
    {
        var query = $"v1/mesh/agents?limit={limit.ToString(CultureInfo.InvariantCulture)}&window={Uri.EscapeDataString(window)}";
        if (health is not null) query += "&health=" + Uri.EscapeDataString(health);
        return ContractJson.Read<MeshAgentList>(await GetAsync(query, ct));
    }

    /// <summary>One agent of the mesh with its recent mesh events.</summary>
    /// <param name="addressId">Its service account id, name or address.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshAgentResponse> GetMeshAgentAsync(string addressId, CancellationToken ct = default) =>
        ContractJson.Read<MeshAgentResponse>(await GetAsync($"v1/mesh/agents/{Seg(addressId)}", ct));

    /// <summary>Kills an agent: every delivery to it stops at once, its intents wait, its keys may only heartbeat.</summary>
    /// <param name="addressId">Its service account id, name or address.</param>
    /// <param name="reason">Why (kept in the mesh log), or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshAgentResponse> KillAgentAsync(string addressId, string? reason = null, CancellationToken ct = default) =>
        ContractJson.Read<MeshAgentResponse>(await PostAsync($"v1/mesh/agents/{Seg(addressId)}/kill", new JsonObject { ["reason"] = reason }, ct));

    /// <summary>Resumes a killed agent: what waited for it is delivered.</summary>
    /// <param name="addressId">Its service account id, name or address.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshAgentResponse> ResumeAgentAsync(string addressId, CancellationToken ct = default) =>
        ContractJson.Read<MeshAgentResponse>(await PostAsync($"v1/mesh/agents/{Seg(addressId)}/resume", null, ct));

    /// <summary>The mesh log, newest first (GET /v1/mesh/events).</summary>
    /// <param name="eventType">agent.killed, agent.resumed or agent.online, or null for all.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MeshEventList> ListMeshEventsAsync(string? eventType = null, int limit = 50, CancellationToken ct = default) =>
        ContractJson.Read<MeshEventList>(await GetAsync($"v1/mesh/events?limit={limit.ToString(CultureInfo.InvariantCulture)}"
            + (eventType is null ? "" : "&event_type=" + Uri.EscapeDataString(eventType)), ct));

    /// <summary>A one-time link (5 minutes) that signs a browser in to this node's mesh page with the client's key (POST /v1/auth/dashboard-token).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<DashboardTokenResponse> CreateDashboardTokenAsync(CancellationToken ct = default) =>
        ContractJson.Read<DashboardTokenResponse>(await SendAsync(HttpMethod.Post, "v1/auth/dashboard-token", null, NewKey(), ct));
}
