namespace Axme.Grains.Interfaces.Agents;

/// <summary>An agent: the address of a service account and how intents reach it (PROTOCOL §6.1–6.5).</summary>
[GenerateSerializer, Immutable, Alias("axme.agent")]
public sealed record AgentRecord
{
    /// <summary>Canonical agent://org/workspace/name.</summary>
    [Id(0)] public required string Address { get; init; }
    [Id(1)] public required string ServiceAccountId { get; init; }
    [Id(2)] public required string OrgId { get; init; }
    [Id(3)] public required string WorkspaceId { get; init; }
    [Id(4)] public required string Name { get; init; }
    [Id(5)] public string? DisplayName { get; init; }
    /// <summary>active or deleted.</summary>
    [Id(6)] public required string Status { get; init; }
    /// <summary>stream (the only binding so far; poll, http, inbox and internal come with the delivery issue).</summary>
    [Id(7)] public string DeliveryMode { get; init; } = "stream";
    [Id(8)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset UpdatedAt { get; init; }
}
