using Axme.Grains.Interfaces.Intents;
using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Delivery;

/// <summary>A workspace's webhook subscriptions (key: "org/workspace"): listing, matching, intent lifecycle fan-out.</summary>
[Alias("axme.IWebhookDirectoryGrain")]
public interface IWebhookDirectoryGrain : IGrainWithStringKey
{
    static string KeyFor(string orgId, string workspaceId) => $"{orgId}/{workspaceId}";

    [Alias("Put")]
    Task PutAsync(WebhookSubscription subscription);

    /// <summary>The workspace's subscriptions, optionally of one owner, live only unless includeInactive.</summary>
    [Alias("List")]
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? ownerAgent, bool includeInactive);

    /// <summary>Live subscriptions of the owner that want this event type.</summary>
    [Alias("Match")]
    Task<IReadOnlyList<WebhookSubscription>> MatchAsync(string ownerAgent, string eventType);

    /// <summary>
    /// An event of one owner (e.g. inbox.thread_created) to its live subscriptions that want it, under a
    /// stable event id (a repeat is the same event). One-way: the caller never waits for webhooks.
    /// </summary>
    [OneWay, Alias("PublishOwnerEvent")]
    Task PublishOwnerEventAsync(string ownerAgent, string eventId, string eventType, string source, string payloadJson, DateTimeOffset at);

    /// <summary>True when a live subscription wants intent.* events (checked, cached, before publishing them).</summary>
    [ReadOnly, Alias("HasLifecycleSubscriptions")]
    Task<bool> HasLifecycleSubscriptionsAsync();

    /// <summary>
    /// Intent lifecycle events just committed: each goes to the live subscriptions of the intent's sender,
    /// handler or reply_to that want it. One-way, so the intent never waits for webhooks.
    /// </summary>
    [OneWay, Alias("PublishIntentEvents")]
    Task PublishIntentEventsAsync(IntentRecord intent, IReadOnlyList<IntentEvent> events);
}
