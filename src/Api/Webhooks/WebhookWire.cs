using Axme.Grains.Interfaces.Delivery;

namespace Axme.Api.Webhooks;

/// <summary>Subscriptions, events and deliveries as the wire contract's records (PROTOCOL §9.1; deliveries are an extension).</summary>
public static class WebhookWire
{
    public static Contracts.WebhookSubscription ToWire(this WebhookSubscription s) => new()
    {
        SubscriptionId = s.SubscriptionId.ToString(),
        OwnerAgent = s.OwnerAgent,
        CallbackUrl = s.CallbackUrl,
        EventTypes = s.EventTypes,
        Active = s.IsLive,
        Description = s.Description,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        RevokedAt = s.RevokedAt,
        SecretHint = s.SecretHint,
    };

    /// <summary>The publish/replay answer: the event and its delivery counters.</summary>
    public static Contracts.WebhookEventResponse ToWire(this WebhookEventRecord e)
    {
        var pending = e.Count(DeliveryStatus.Pending);
        return new()
        {
            EventId = e.EventId,
            EventType = e.EventType,
            Source = e.Source,
            OwnerAgent = e.OwnerAgent,
            AcceptedAt = e.AcceptedAt,
            QueuedDeliveries = e.Queued,
            ProcessedDeliveries = e.Deliveries.Count - pending,
            Delivered = e.Count(DeliveryStatus.Delivered),
            Pending = pending,
            DeadLettered = e.Count(DeliveryStatus.DeadLettered),
            ReplayedAt = e.ReplayedAt,
        };
    }

    public static Contracts.WebhookDelivery ToWire(this DeliveryRecord d) => new()
    {
        DeliveryId = d.DeliveryId,
        Kind = d.Job.Kind,
        EventType = d.Job.EventType,
        Status = d.Status,
        AttemptCount = d.Attempts.Count,
        CreatedAt = d.CreatedAt,
        UpdatedAt = d.UpdatedAt,
        NextAttemptAt = d.NextAttemptAt,
        Attempts = [.. d.Attempts.Select(a => new Contracts.WebhookAttempt
        {
            Attempt = a.Attempt, At = a.At, Url = a.Url, StatusCode = a.StatusCode, LatencyMs = a.LatencyMs, Error = a.Error,
        })],
    };
}
