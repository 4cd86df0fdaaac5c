using Axme.Contracts;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>
/// An agent's receive override (PROTOCOL §6.8, ADR 017 §6) — read by whoever sees the agent, changed by its managers —
/// and the JSON of receive policies, for the organization's policy endpoints (ReceivePolicyEndpoints) and the agents'
/// routes that serve the override (AgentEndpoints).
/// </summary>
public static class ReceivePolicyOperations
{
    public const string OverrideSuffix = "/receive-override";
    public const string EntriesSuffix = "/receive-override/entries";

    /// <summary>GET …/receive-override of an agent the caller can see.</summary>
    public static async Task<AgentReceiveOverrideResponse> GetOverrideAsync(IGrainFactory grains, AgentRecord agent) => new()
    {
        Agent = agent.Address,
        Override = Override(await grains.GetGrain<IReceivePolicyGrain>(ReceivePolicies.KeyForAgent(agent.Address)).GetAsync() ?? ReceivePolicies.DefaultOverride),
    };

    /// <summary>PUT …/receive-override, POST …/receive-override/entries, DELETE …/receive-override/entries/{id}: the agent's managers only.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="caller">Who asks: one of the agent's managers, else 403.</param>
    /// <param name="agent">The agent whose override changes.</param>
    /// <param name="change">"set" (override_type), "add" (sender_pattern) or "remove" (<paramref name="entryId"/>).</param>
    /// <param name="readBody">Reads the request's body, once access is granted (a stranger learns nothing from its errors).</param>
    /// <param name="entryId">The entry to remove.</param>
    public static async Task<AgentReceiveOverrideResponse> ChangeOverrideAsync(IGrainFactory grains, Caller caller, AgentRecord agent, string change,
        Func<Task<RequestBody>> readBody, string? entryId = null)
    {
        await AccountAccess.MustManageAgentAsync(grains, caller, agent, "change its receive override");
        var grain = grains.GetGrain<IReceivePolicyGrain>(ReceivePolicies.KeyForAgent(agent.Address));
        switch (change)
        {
            case "set":
                var mode = Mode(await readBody(), "override_type", ReceivePolicies.OverrideModes);
                return new() { Agent = agent.Address, Override = Override(await grain.SetModeAsync(mode, ReceivePolicies.DefaultOverride)) };
            case "add":
                var pattern = ReceivePolicies.Pattern((await readBody()).String("sender_pattern", 512, required: true)!);
                var (policy, entry) = await grain.AddEntryAsync(pattern, ReceivePolicies.DefaultOverride);
                return new() { Agent = agent.Address, Override = Override(policy), Entry = Entry(entry) };
            default:
                var removed = await grain.RemoveEntryAsync(entryId!) ?? throw ProtocolException.NotFound("entry", entryId!);
                return new() { Agent = agent.Address, Override = Override(removed), Removed = true };
        }
    }

    public static string Mode(RequestBody body, string field, IReadOnlySet<string> modes)
    {
        var mode = body.String(field, 32, required: true)!.Trim().ToLowerInvariant();
        return modes.Contains(mode) ? mode : throw ProtocolException.Invalid(field, $"{field} must be one of {string.Join(", ", modes)}");
    }

    public static AgentReceiveOverride Override(ReceivePolicy policy) => new() { OverrideType = policy.Mode, Entries = [.. policy.Entries.Select(Entry)] };

    public static OrgReceivePolicy OrgPolicy(ReceivePolicy policy) => new() { PolicyType = policy.Mode, Entries = [.. policy.Entries.Select(Entry)] };

    public static Contracts.ReceivePolicyEntry Entry(Grains.Interfaces.Accounts.ReceivePolicyEntry e) => new()
    {
        EntryId = e.EntryId, SenderPattern = e.SenderPattern, CreatedAt = e.CreatedAt,
    };
}
