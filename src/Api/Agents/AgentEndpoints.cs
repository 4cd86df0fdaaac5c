using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Agents;

/// <summary>The agent directory (PROTOCOL §6.3) and the agent delivery stream (§6.4) under one catch-all route.</summary>
public static class AgentEndpoints
{
    private const string StreamSuffix = "/intents/stream";

    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/agents").WithTags("Agents");
        g.MapGet("", List).WithSummary("List a workspace's agents");
        // Addresses arrive unescaped with their agent:// prefix removed, so the route must be catch-all.
        g.MapGet("/{**address}", GetOrStream).WithSummary("Get an agent, or (…/intents/stream) listen for its deliveries over SSE");
        return v1;
    }

    public static async Task<IResult> List(HttpContext http, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var org = Query.String(http.Request, "org_id") ?? caller.OrgId;
        var ws = Query.String(http.Request, "workspace_id") ?? caller.WorkspaceId;
        if (!caller.CanAccess(org, ws)) throw ProtocolException.Forbidden("no access to that workspace");
        var limit = Query.Int(http.Request, "limit", 1, 1000) ?? 100;
        var ids = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(org, ws)).ListServiceAccountIdsAsync();
        var accounts = await Task.WhenAll(ids.Select(id => grains.GetGrain<IServiceAccountGrain>(id).GetAsync()));
        var agents = await Task.WhenAll(accounts.Where(a => a is { Status: "active" })
            .Select(a => grains.GetGrain<IAgentGrain>(a!.AgentAddress).GetAsync()));
        var list = new JsonArray([.. agents.OfType<AgentRecord>().Take(limit).Select(a => (JsonNode)AgentJson.Agent(a))]);
        return TypedResults.Json(Wire.Ok(("agents", list)));
    }

    public static async Task GetOrStream(HttpContext http, string address, IGrainFactory grains, DeliveryQueries deliveries,
        Microsoft.Extensions.Options.IOptions<ApiOptions> options)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var stream = address.EndsWith(StreamSuffix, StringComparison.Ordinal);
        var raw = stream ? address[..^StreamSuffix.Length] : address;
        // Some HTTP stacks collapse "agent://" in a path to "agent:/".
        if (raw.StartsWith("agent:/", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("agent://", StringComparison.OrdinalIgnoreCase))
            raw = "agent://" + raw["agent:/".Length..];
        if (raw.Trim('/').Length == 0) throw ProtocolException.Invalid("address", "agent address is empty", "invalid_agent_address");
        var canonical = AgentAddress.Canonical(raw, caller);
        var agent = await grains.GetGrain<IAgentGrain>(canonical).GetAsync()
            ?? throw ProtocolException.NotFound("agent", canonical);
        if (!caller.CanAccess(agent.OrgId, agent.WorkspaceId))
            throw ProtocolException.Forbidden("agent belongs to another workspace");
        if (stream)
        {
            await AgentStream.RunAsync(http, caller, agent, grains, deliveries, options.Value);
            return;
        }
        await TypedResults.Json(Wire.Ok(("agent", AgentJson.Agent(agent)))).ExecuteAsync(http);
    }
}
