using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Notifications;

namespace Axme.Grains.Notifications;

/// <summary>
/// The delivery ids of an intent's notifications: grain state cannot be queried, so the ids that
/// GET /v1/intents/{id}/notifications reads are kept here.
/// </summary>
public sealed class NotificationLogGrain(
    [PersistentState(AxmeNames.NotificationLogState, AxmeNames.Storage)] IPersistentState<NotificationLogState> state) : Grain, INotificationLogGrain
{
    public async Task AddAsync(string deliveryId)
    {
        if (state.State.DeliveryIds.Contains(deliveryId)) return;
        state.State.DeliveryIds.Add(deliveryId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.DeliveryIds]);
}
