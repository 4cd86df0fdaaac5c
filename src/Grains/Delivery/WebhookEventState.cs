using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>Durable state of one published webhook event: the event, and the subscription each of its deliveries is for.</summary>
[GenerateSerializer, Alias("axme.webhook-event-state")]
public sealed class WebhookEventState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public WebhookEventRecord? Event { get; set; }
    /// <summary>Delivery id → subscription.</summary>
    [Id(2)] public Dictionary<string, Guid> Subscriptions { get; set; } = [];
}
