namespace Axme.Grains.Interfaces.Delivery;

/// <summary>One subscription (key: its id, derived from owner_agent and callback_url so an upsert finds it).</summary>
[Alias("axme.IWebhookSubscriptionGrain")]
public interface IWebhookSubscriptionGrain : IGrainWithGuidKey
{
    [Alias("Upsert")]
    Task<WebhookSubscription> UpsertAsync(WebhookSubscriptionUpsert upsert);

    [Alias("Get")]
    Task<WebhookSubscription?> GetAsync();

    /// <summary>Revokes it (idempotent); null when it never existed.</summary>
    [Alias("Revoke")]
    Task<WebhookSubscription?> RevokeAsync();

    [Alias("GetTarget")]
    Task<WebhookTarget?> GetTargetAsync();
}
