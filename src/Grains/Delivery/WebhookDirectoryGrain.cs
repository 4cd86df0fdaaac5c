using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Axme.Grains.Interfaces.Intents;
using AxpJson = Axme.Contracts.AxpJson;

namespace Axme.Grains.Delivery;

/// <summary>A workspace's subscriptions, for listing and for matching events to them.</summary>
public sealed class WebhookDirectoryGrain(
    [PersistentState(AxmeNames.WebhookDirectoryState, AxmeNames.Storage)] IPersistentState<WebhookDirectoryState> state)
    : Grain, IWebhookDirectoryGrain
{
    public async Task PutAsync(WebhookSubscription subscription)
    {
        state.State.Subscriptions.RemoveAll(s => s.SubscriptionId == subscription.SubscriptionId);
        state.State.Subscriptions.Add(subscription);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? ownerAgent, bool includeInactive) =>
        Task.FromResult<IReadOnlyList<WebhookSubscription>>(state.State.Subscriptions
            .Where(s => (ownerAgent is null || s.OwnerAgent == ownerAgent) && (includeInactive || s.IsLive))
            .OrderBy(s => s.CreatedAt).ToArray());

    public Task<IReadOnlyList<WebhookSubscription>> MatchAsync(string ownerAgent, string eventType) =>
        Task.FromResult<IReadOnlyList<WebhookSubscription>>(Match(s => s.OwnerAgent == ownerAgent, eventType));

    public async Task PublishOwnerEventAsync(string ownerAgent, string eventId, string eventType, string source, string payloadJson, DateTimeOffset at)
    {
        var subscriptions = Match(s => s.OwnerAgent == ownerAgent, eventType);
        if (subscriptions.Length == 0) return;
        var (org, ws) = OrgAndWorkspace();
        await GrainFactory.GetGrain<IWebhookEventGrain>(eventId).PublishAsync(new WebhookEventRecord
        {
            EventId = eventId, OrgId = org, WorkspaceId = ws, OwnerAgent = ownerAgent, EventType = eventType, Source = source,
            PayloadJson = payloadJson, AcceptedAt = at, Deliveries = new Dictionary<string, string>(),
        }, subscriptions.Select(s => s.SubscriptionId).ToArray());
    }

    private (string OrgId, string WorkspaceId) OrgAndWorkspace()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    public Task<bool> HasLifecycleSubscriptionsAsync() =>
        Task.FromResult(state.State.Subscriptions.Any(s => s.IsLive && s.EventTypes.Any(t => t == "*" || t.StartsWith("intent.", StringComparison.Ordinal))));

    public async Task PublishIntentEventsAsync(IntentRecord intent, IReadOnlyList<IntentEvent> events)
    {
        string?[] parties = [intent.FromAgent, intent.ToAgent, intent.ReplyTo];
        foreach (var e in events)
        {
            var subscriptions = Match(s => parties.Contains(s.OwnerAgent), e.EventType);
            // One event per owner, so each subscriber's event_id and counters are its own.
            foreach (var owner in subscriptions.GroupBy(s => s.OwnerAgent))
            {
                var eventId = $"{intent.IntentId:N}-{e.Seq}-{OwnerTag(owner.Key)}";
                var record = new WebhookEventRecord
                {
                    EventId = eventId, OrgId = intent.OrgId, WorkspaceId = intent.WorkspaceId, OwnerAgent = owner.Key,
                    EventType = e.EventType, Source = "axme.intents", PayloadJson = AxpJson.Text(IntentWire.Lifecycle(intent, e)),
                    AcceptedAt = e.At, Deliveries = new Dictionary<string, string>(),
                };
                await GrainFactory.GetGrain<IWebhookEventGrain>(eventId).PublishAsync(record, owner.Select(s => s.SubscriptionId).ToArray());
            }
        }
    }

    /// <summary>A short stable tag of the owner: the same event for the same owner always gets the same id.</summary>
    private static string OwnerTag(string owner) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(owner)))[..8];

    private WebhookSubscription[] Match(Func<WebhookSubscription, bool> owner, string eventType) =>
        state.State.Subscriptions.Where(s => s.IsLive && owner(s) && s.Matches(eventType)).ToArray();
}
