using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>Durable state of one webhook subscription.</summary>
[GenerateSerializer, Alias("axme.webhook-subscription-state")]
public sealed class WebhookSubscriptionState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public WebhookSubscription? Subscription { get; set; }
}
