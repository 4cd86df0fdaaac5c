using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>Durable state of one workspace's webhook directory: its subscriptions, as the publishers read them.</summary>
[GenerateSerializer, Alias("axme.webhook-directory-state")]
public sealed class WebhookDirectoryState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public List<WebhookSubscription> Subscriptions { get; set; } = [];
}
