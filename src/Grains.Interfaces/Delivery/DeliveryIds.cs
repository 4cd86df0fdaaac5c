namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// Delivery ids. An intent has one delivery to its handler whatever the binding (stream, poll, http):
/// every redelivery carries the same id and a growing delivery_attempt, so handlers dedupe by id.
/// </summary>
public static class DeliveryIds
{
    public static string ForIntent(Guid intentId) => $"dlv_{intentId:N}";

    public static string ForEvent(string eventId, Guid subscriptionId) => $"evd_{eventId}_{subscriptionId:N}";

    /// <summary>A notification's delivery: the caller's stable notification id, so a repeat is the same delivery.</summary>
    public static string ForNotification(string notificationId) => $"ntf_{notificationId}";
}
