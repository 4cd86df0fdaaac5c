using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>Durable state of one webhook delivery: the job and every attempt.</summary>
[GenerateSerializer, Alias("axme.delivery-state")]
public sealed class DeliveryState
{
    public const int CurrentSchemaVersion = 1;

    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    [Id(1)] public DeliveryRecord? Delivery { get; set; }
    /// <summary>Attempts made before the last replay: the attempt limit counts from there.</summary>
    [Id(2)] public int RoundStart { get; set; }
    /// <summary>How many times the delivery was replayed (event replay).</summary>
    [Id(3)] public int Replays { get; set; }
}
