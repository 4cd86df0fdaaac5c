using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Agents;

/// <summary>
/// The agent directory's operations, whoever asks (REST's AgentEndpoints, the MCP tools, account creation and scenario
/// apply): list, resolve a name or address, hand waiting intents to a new binding.
/// </summary>
public static class AgentOperations
{
    /// <summary>The directory for a caller and its parameters (query string, or an MCP tool's arguments).</summary>
    public static async Task<AgentPage> ListAsync(IGrainFactory grains, Caller caller, IQueryCollection query)
    {
        var (org, ws) = Query.Workspace(query, caller);
        var (limit, cursor) = Accounts.WorkspaceDirectory.Paging(query);
        // Human users are service accounts too (docs/adr/009), but not agents of the directory.
        var page = await Accounts.WorkspaceDirectory.PageAsync(grains, org, ws, a => !a.IsHuman, cursor, limit);
        var agents = await Task.WhenAll(page.Accounts.Select(a => grains.GetGrain<IAgentGrain>(a.AgentAddress).GetAsync()));
        return new AgentPage
        {
            Agents = [.. agents.OfType<AgentRecord>().Select(a => a.ToWire())],
            NextCursor = page.NextCursor,
            HasMore = page.NextCursor is not null,
        };
    }

    /// <summary>
    /// Hands the intents that waited for a push-bound agent (sent before it had its binding, or while it was
    /// stream or poll and nobody listened) to the binding now.
    /// </summary>
    public static async Task RedispatchWaitingAsync(IGrainFactory grains, DeliveryQueries deliveries, AgentRecord agent, CancellationToken ct)
    {
        if (Grains.Interfaces.Delivery.DeliveryKinds.ForBinding(agent.DeliveryMode) is null) return;
        for (long after = -1; ;)
        {
            var pending = await deliveries.SubmittedAsync(agent.Address, after, ct);
            if (pending.Count == 0) break;
            await grains.GetGrain<IAgentGrain>(agent.Address).RedispatchAsync([.. pending.Select(d => d.IntentId)]);
            after = pending[^1].Cursor;
        }
    }

    /// <summary>The live agent a path names (bare name inside the caller's workspace), or 404/403.</summary>
    public static async Task<AgentRecord> ResolveAsync(IGrainFactory grains, Caller caller, string raw)
    {
        // Some HTTP stacks collapse "agent://" in a path to "agent:/".
        if (raw.StartsWith("agent:/", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("agent://", StringComparison.OrdinalIgnoreCase))
            raw = "agent://" + raw["agent:/".Length..];
        if (raw.Trim('/').Length == 0) throw ProtocolException.Invalid("address", "agent address is empty", "invalid_agent_address");
        var canonical = AgentAddress.Canonical(raw, caller);
        // Names are guessable: another workspace's address is refused before it is looked up, so a 403 or 404
        // never tells whether an agent of that name exists there (ADR 017 §9).
        if (canonical[AgentAddress.Scheme.Length..].Split('/') is [var org, var ws, _] && !caller.CanAccess(org, ws))
            throw ProtocolException.Forbidden("agent belongs to another workspace");
        var agent = await grains.GetGrain<IAgentGrain>(canonical).GetAsync()
            ?? throw ProtocolException.NotFound("agent", canonical);
        return caller.CanAccess(agent.OrgId, agent.WorkspaceId) ? agent : throw ProtocolException.Forbidden("agent belongs to another workspace");
    }
}
