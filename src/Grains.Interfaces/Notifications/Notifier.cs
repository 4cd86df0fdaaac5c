using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Interfaces.Notifications;

/// <summary>Sends notifications from inside the silo (grains, workflow steps): each is one pushed delivery.</summary>
public static class Notifier
{
    /// <summary>
    /// Records the notification on its intent and enqueues its delivery under a stable id, returning as soon
    /// as both are written (durable from then on; attempts, retries and the dead letter happen in the
    /// background and never touch the intent). The same id sent again is the same delivery: it is sent
    /// once, so derive the id from what it is about (e.g. <c>$"{taskId}:reminder:{n}:email"</c>).
    /// </summary>
    public static async Task<DeliveryRecord> SendAsync(IGrainFactory grains, string notificationId, Notification notification)
    {
        var job = notification.ToJob(notificationId);
        var deliveryId = DeliveryIds.ForNotification(notificationId);
        // Listed before it exists: a crash in between leaves an id the listing skips, never a delivery nobody can see.
        if (job.IntentId is { } intentId) await grains.GetGrain<INotificationLogGrain>(intentId).AddAsync(deliveryId);
        return await grains.GetGrain<IDeliveryGrain>(deliveryId).EnqueueAsync(job);
    }
}
