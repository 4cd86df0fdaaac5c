using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Common;

/// <summary>Durable state of one Idempotency-Key.</summary>
[GenerateSerializer, Alias("axme.idempotency-state")]
public sealed class IdempotencyState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public string? RequestHash { get; set; }
    [Id(2)] public StoredResponse? Response { get; set; }
    [Id(3)] public DateTimeOffset ClaimedAt { get; set; }
}
