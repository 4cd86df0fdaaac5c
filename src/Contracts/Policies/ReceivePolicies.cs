using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>One allowed sender pattern of a receive policy or override (PROTOCOL §6.8).</summary>
public sealed record ReceivePolicyEntry
{
    /// <summary>The entry's id.</summary>
    public required string EntryId { get; init; }
    /// <summary>Whose intents it lets in (an address or a pattern with *).</summary>
    public required string SenderPattern { get; init; }
    /// <summary>When it was added.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An agent's receive override: its mode and allowed senders.</summary>
public sealed record AgentReceiveOverride
{
    /// <summary>The override's mode.</summary>
    public required string OverrideType { get; init; }
    /// <summary>The allowed senders.</summary>
    public IReadOnlyList<ReceivePolicyEntry> Entries { get; init; } = [];
}

/// <summary>An organisation's receive policy: who from outside may send into it.</summary>
public sealed record OrgReceivePolicy
{
    /// <summary>The policy's mode.</summary>
    public required string PolicyType { get; init; }
    /// <summary>The allowed senders.</summary>
    public IReadOnlyList<ReceivePolicyEntry> Entries { get; init; } = [];
}

/// <summary>GET/PUT /v1/agents/{address}/receive-override and its entries (POST adds one, DELETE removes one).</summary>
public sealed record AgentReceiveOverrideResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The agent.</summary>
    public required string Agent { get; init; }
    /// <summary>The override after the call.</summary>
    public required AgentReceiveOverride Override { get; init; }
    /// <summary>The entry added.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReceivePolicyEntry? Entry { get; init; }
    /// <summary>True when an entry was removed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Removed { get; init; }
}

/// <summary>GET/PUT /v1/organizations/{org_id}/receive-policy and its entries.</summary>
public sealed record OrgReceivePolicyResponse
{
    /// <summary>Always true on success.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The organisation (GET and PUT).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrgId { get; init; }
    /// <summary>The policy after the call.</summary>
    public required OrgReceivePolicy Policy { get; init; }
    /// <summary>The entry added.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReceivePolicyEntry? Entry { get; init; }
    /// <summary>True when an entry was removed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Removed { get; init; }
}
