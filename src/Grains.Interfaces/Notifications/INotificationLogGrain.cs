using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.Notifications;

/// <summary>The notifications sent about one intent (key: the intent id), in the order they were first sent.</summary>
[Alias("axme.INotificationLogGrain")]
public interface INotificationLogGrain : IGrainWithGuidKey
{
    /// <summary>Adds a notification's delivery id (idempotent).</summary>
    [Alias("Add")]
    Task AddAsync(string deliveryId);

    /// <summary>The delivery ids, oldest first.</summary>
    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
