namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// One signed, retried webhook delivery (key: its delivery id). Attempts run on the grain's own timer;
/// a reminder registered before the first write brings it back after a crash.
/// </summary>
[Alias("axme.IDeliveryGrain")]
public interface IDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Starts the delivery (idempotent: an existing delivery is left as it is) and returns it.</summary>
    [Alias("Enqueue")]
    Task<DeliveryRecord> EnqueueAsync(DeliveryJob job);

    /// <summary>The delivery, or null when none was enqueued under this id.</summary>
    [Alias("Get")]
    Task<DeliveryRecord?> GetAsync();

    /// <summary>Starts a finished delivery again with fresh attempts (event replay); a pending one is left alone.</summary>
    [Alias("Replay")]
    Task<DeliveryRecord> ReplayAsync();
}
