namespace Axme.Grains.Interfaces.Delivery;

/// <summary>One published event (key: its event id) and its deliveries to matching subscriptions.</summary>
[Alias("axme.IWebhookEventGrain")]
public interface IWebhookEventGrain : IGrainWithStringKey
{
    /// <summary>Records the event and starts a delivery to each subscription (idempotent per event id).</summary>
    [Alias("Publish")]
    Task<WebhookEventRecord> PublishAsync(WebhookEventRecord @event, IReadOnlyList<Guid> subscriptions);

    [Alias("Get")]
    Task<WebhookEventRecord?> GetAsync();

    /// <summary>Delivers the event again to every subscription whose delivery finished.</summary>
    [Alias("Replay")]
    Task<WebhookEventRecord> ReplayAsync();

    [Alias("DeliveryFinished")]
    Task DeliveryFinishedAsync(string deliveryId, string status);
}
