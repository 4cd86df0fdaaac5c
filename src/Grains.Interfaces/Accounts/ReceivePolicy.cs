using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>A receive policy (an organization's) or override (an agent's): its mode and allow-list entries (PROTOCOL §6.8).</summary>
[GenerateSerializer, Immutable, Alias("axme.receive-policy")]
public sealed record ReceivePolicy
{
    [Id(0)] public required string Mode { get; init; }
    [Id(1)] public IReadOnlyList<ReceivePolicyEntry> Entries { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("axme.receive-policy-entry")]
public sealed record ReceivePolicyEntry
{
    [Id(0)] public required string EntryId { get; init; }
    [Id(1)] public required string SenderPattern { get; init; }
    [Id(2)] public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// Who may send into a workspace from outside it (ADR 017 §6), decided from the target's organization policy and
/// the target agent's override. Pure. An agent's override (open, allowlist, closed) decides when it has one; with
/// use_org_default (the default) its organization decides for senders of other organizations — open, allowlist or
/// closed (the default, PROTOCOL §6.8) — while senders of the same organization in another workspace are let in.
/// Patterns: an exact address, agent://org/ws/*, agent://org/*, or *.
/// </summary>
public static partial class ReceivePolicies
{
    public const string Open = "open", Allowlist = "allowlist", Closed = "closed", UseOrgDefault = "use_org_default";
    public static readonly IReadOnlySet<string> OrgModes = new HashSet<string> { Open, Allowlist, Closed };
    public static readonly IReadOnlySet<string> OverrideModes = new HashSet<string> { Open, Allowlist, Closed, UseOrgDefault };

    public static ReceivePolicy DefaultOrg => new() { Mode = Closed };
    public static ReceivePolicy DefaultOverride => new() { Mode = UseOrgDefault };

    public static string KeyForOrg(string orgId) => "org/" + orgId;
    public static string KeyForAgent(string address) => "agent/" + address;

    /// <summary>The (org, workspace) of a canonical agent://org/ws/name address; null for other forms.</summary>
    public static (string Org, string Workspace)? Tenant(string address) =>
        address.StartsWith(AgentAddress.Scheme, StringComparison.Ordinal) && address[AgentAddress.Scheme.Length..].Split('/') is [var org, var ws, _]
            ? (org, ws) : null;

    public static bool Allows(string sender, string target, ReceivePolicy org, ReceivePolicy agentOverride)
    {
        var policy = agentOverride.Mode != UseOrgDefault ? agentOverride
            : Tenant(sender)?.Org == Tenant(target)?.Org ? new ReceivePolicy { Mode = Open }
            : org;
        return policy.Mode switch
        {
            Open => true,
            Allowlist => policy.Entries.Any(e => Matches(e.SenderPattern, sender)),
            _ => false,
        };
    }

    public static bool Matches(string pattern, string sender) =>
        pattern == "*" || pattern == sender || (pattern.EndsWith("/*", StringComparison.Ordinal) && sender.StartsWith(pattern[..^1], StringComparison.Ordinal));

    /// <summary>A pattern as it is stored (lower-case), or a 422 naming sender_pattern.</summary>
    public static string Pattern(string raw)
    {
        var p = raw.Trim().ToLowerInvariant();
        return p == "*" || PatternShape().IsMatch(p)
            ? p
            : throw ProtocolException.Invalid("sender_pattern", "sender_pattern must be *, agent://org/*, agent://org/ws/* or agent://org/ws/name", "invalid_sender_pattern");
    }

    [GeneratedRegex(@"^agent://[a-z0-9][a-z0-9._-]{0,62}/(\*|[a-z0-9][a-z0-9._-]{0,62}/(\*|[a-z0-9][a-z0-9._-]*))$")]
    private static partial Regex PatternShape();

    /// <summary>
    /// Refuses a send from <paramref name="caller"/> to <paramref name="target"/> (field names it: to_agent, reply_to,
    /// delegate_to) that the target's policy does not let in: 403 receive_policy_denied. Same workspace, admins and the
    /// runtime pass without a look.
    /// </summary>
    public static async Task EnsureAllowedAsync(IGrainFactory grains, Caller caller, string target, string field)
    {
        if (caller.IsAdmin || Tenant(target) is not { } to || (to.Org == caller.OrgId && to.Workspace == caller.WorkspaceId)) return;
        var org = await grains.GetGrain<IReceivePolicyGrain>(KeyForOrg(to.Org)).GetAsync() ?? DefaultOrg;
        var agentOverride = await grains.GetGrain<IReceivePolicyGrain>(KeyForAgent(target)).GetAsync() ?? DefaultOverride;
        if (!Allows(caller.AgentAddress, target, org, agentOverride))
            throw new ProtocolException(403, "receive_policy_denied",
                $"{target} does not receive from {caller.AgentAddress} (its receive policy); nothing was sent",
                new Dictionary<string, string> { ["field"] = field });
    }
}

/// <summary>A receive policy or override, keyed by <see cref="ReceivePolicies.KeyForOrg"/> or <see cref="ReceivePolicies.KeyForAgent"/>.</summary>
[Alias("axme.receive-policy-grain")]
public interface IReceivePolicyGrain : IGrainWithStringKey
{
    /// <summary>The stored policy; null when none was set (the caller applies the default).</summary>
    [Alias("get")] Task<ReceivePolicy?> GetAsync();
    [Alias("set-mode")] Task<ReceivePolicy> SetModeAsync(string mode, ReceivePolicy defaults);
    [Alias("add-entry")] Task<(ReceivePolicy Policy, ReceivePolicyEntry Entry)> AddEntryAsync(string pattern, ReceivePolicy defaults);
    [Alias("remove-entry")] Task<ReceivePolicy?> RemoveEntryAsync(string entryId);
}
