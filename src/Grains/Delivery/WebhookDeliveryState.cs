using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>Durable state of one webhook delivery: the job and every attempt.</summary>
[GenerateSerializer, Alias("axme.webhook-delivery-state")]
public sealed class WebhookDeliveryState
{
    public const int CurrentSchemaVersion = 1;

    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    [Id(1)] public WebhookDeliveryRecord? Delivery { get; set; }
    /// <summary>Attempts made before the last replay: the attempt limit counts from there.</summary>
    [Id(2)] public int RoundStart { get; set; }
}
