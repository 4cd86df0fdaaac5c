using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using WireTime = Axme.Contracts.WireTime;

namespace Axme.Grains.Delivery;

/// <summary>
/// One published event: records it with a pending delivery per matching subscription before starting
/// them, so the counters are durable from the moment the publisher gets its answer.
/// </summary>
public sealed class WebhookEventGrain(
    [PersistentState(AxmeNames.WebhookEventState, AxmeNames.Storage)] IPersistentState<WebhookEventState> state,
    TimeProvider time) : Grain, IWebhookEventGrain
{
    private WebhookEventRecord? E => state.State.Event;

    public async Task<WebhookEventRecord> PublishAsync(WebhookEventRecord @event, IReadOnlyList<Guid> subscriptions)
    {
        if (E is { } existing) return existing;
        var deliveries = subscriptions.ToDictionary(s => DeliveryIds.ForEvent(@event.EventId, s), _ => DeliveryStatus.Pending);
        state.State.Event = @event with { Deliveries = deliveries, Queued = deliveries.Count };
        state.State.Subscriptions = subscriptions.ToDictionary(s => DeliveryIds.ForEvent(@event.EventId, s), s => s);
        await state.WriteStateAsync();
        var body = Body(E!).ToJsonString();
        // Each delivery grain writes itself and its reminder before answering: durable once this returns.
        await Task.WhenAll(state.State.Subscriptions.Select(d => GrainFactory.GetGrain<IDeliveryGrain>(d.Key).EnqueueAsync(new DeliveryJob
        {
            Kind = DeliveryKinds.Subscription, SubscriptionId = d.Value, EventId = E!.EventId, BodyJson = body, EventType = E.EventType,
        })));
        return E!;
    }

    public Task<WebhookEventRecord?> GetAsync() => Task.FromResult(E);

    public async Task<WebhookEventRecord> ReplayAsync()
    {
        if (E is not { } e) throw ProtocolException.NotFound("event", this.GetPrimaryKeyString());
        // Only to subscriptions still live: a replay to a revoked one would be counted and then quietly dropped.
        var live = new HashSet<string>();
        foreach (var (deliveryId, subscription) in state.State.Subscriptions)
            if (await GrainFactory.GetGrain<IWebhookSubscriptionGrain>(subscription).GetTargetAsync() is { Active: true }) live.Add(deliveryId);
        var finished = e.Deliveries.Where(d => d.Value != DeliveryStatus.Pending && live.Contains(d.Key)).Select(d => d.Key).ToArray();
        var deliveries = new Dictionary<string, string>(e.Deliveries);
        foreach (var id in finished) deliveries[id] = DeliveryStatus.Pending;
        state.State.Event = e with { Deliveries = deliveries, ReplayedAt = time.GetUtcNow(), Queued = finished.Length };
        await state.WriteStateAsync();
        await Task.WhenAll(finished.Select(id => GrainFactory.GetGrain<IDeliveryGrain>(id).ReplayAsync()));
        return E!;
    }

    public async Task DeliveryFinishedAsync(string deliveryId, string status)
    {
        if (E is not { } e || !e.Deliveries.ContainsKey(deliveryId) || e.Deliveries[deliveryId] == status) return;
        state.State.Event = e with { Deliveries = new Dictionary<string, string>(e.Deliveries) { [deliveryId] = status } };
        await state.WriteStateAsync();
    }

    private static JsonObject Body(WebhookEventRecord e) => new()
    {
        ["event_id"] = e.EventId,
        ["event_type"] = e.EventType,
        ["source"] = e.Source,
        ["owner_agent"] = e.OwnerAgent,
        ["accepted_at"] = WireTime.Format(e.AcceptedAt),
        ["payload"] = JsonNode.Parse(e.PayloadJson),
    };
}
