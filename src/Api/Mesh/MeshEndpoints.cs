using Axme.Api.Audit;
using Axme.Api.Agents;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Mesh;

/// <summary>
/// The agent mesh (PROTOCOL PERIPHERAL row "Agent mesh", the official Python and TypeScript SDKs' mesh helpers):
/// heartbeats, agents with their health, kill and resume, the mesh log. Heartbeat, kill and resume take no body or
/// an optional one, so they declare no content type (PROTOCOL §2: the SDKs send those POSTs without a body).
/// </summary>
public static class MeshEndpoints
{
    public const string HeartbeatPath = "/v1/mesh/heartbeat";

    public static RouteGroupBuilder MapMeshEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/mesh").WithTags("Mesh");
        g.MapPost("/heartbeat", Heartbeat).WithName("MeshHeartbeat").WithSummary("The calling agent is alive; optional body {metrics, version, metadata}");
        g.MapGet("/agents", List).WithName("ListMeshAgents").WithSummary("The workspace's agents with health, last heartbeat, work in flight (limit, health, window=day|week|month)");
        g.MapGet("/agents/{address_id}", Get).WithName("GetMeshAgent").WithSummary("One agent (service account id, name or address) with its recent mesh events");
        g.MapPost("/agents/{address_id}/kill", Kill).WithName("KillMeshAgent").WithSummary("Stop every delivery to the agent at once (optional body {reason}); its intents wait").Audit("agent.kill", "agent", "address_id");
        g.MapPost("/agents/{address_id}/resume", Resume).WithName("ResumeMeshAgent").WithSummary("Resume a killed agent: what waited is delivered").Audit("agent.resume", "agent", "address_id");
        g.MapGet("/events", Events).WithName("ListMeshEvents").WithSummary("The mesh log, newest first (limit, event_type)");
        v1.MapPost("/auth/dashboard-token", (HttpContext http, MeshDashboard dashboard) => dashboard.CreateTokenAsync(http)).WithTags("Mesh")
            .WithName("CreateDashboardToken").WithSummary("A one-time link (5 min) that signs a browser in to the mesh page with this key");
        return v1;
    }

    public static async Task<Ok<MeshAgentResponse>> Heartbeat(HttpContext http, IGrainFactory grains, DeliveryQueries deliveries)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        return TypedResults.Ok(await MeshOperations.HeartbeatAsync(grains, deliveries, caller, Query.OwnerAgentInWorkspace(http.Request, caller),
            await RequestBody.ReadAsync(http), http.RequestAborted));
    }

    public static async Task<Ok<MeshAgentList>> List(HttpContext http, IGrainFactory grains, DeliveryQueries deliveries) =>
        TypedResults.Ok(await MeshOperations.ListAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), http.Request.Query, http.RequestAborted));

    public static async Task<Ok<MeshAgentResponse>> Get(HttpContext http, string address_id, IGrainFactory grains, DeliveryQueries deliveries) =>
        TypedResults.Ok(await MeshOperations.GetAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), address_id, http.Request.Query, http.RequestAborted));

    public static async Task<Ok<MeshAgentResponse>> Kill(HttpContext http, string address_id, IGrainFactory grains, DeliveryQueries deliveries) =>
        TypedResults.Ok(await MeshOperations.KillAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), address_id, await RequestBody.ReadAsync(http), http.RequestAborted));

    public static async Task<Ok<MeshAgentResponse>> Resume(HttpContext http, string address_id, IGrainFactory grains, DeliveryQueries deliveries)
    {
        await RequestBody.ReadAsync(http); // none is needed; one that is not JSON is refused like anywhere else
        return TypedResults.Ok(await MeshOperations.ResumeAsync(grains, deliveries, ApiKeyAuthFilter.CallerOf(http), address_id, http.RequestAborted));
    }

    public static async Task<Ok<MeshEventList>> Events(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await MeshOperations.EventsAsync(grains, ApiKeyAuthFilter.CallerOf(http), http.Request.Query));
}
