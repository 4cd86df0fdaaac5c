using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>
/// Per-silo cache of "does this workspace subscribe to intent lifecycle events?", so intents of
/// workspaces without such subscriptions (the common case) send nothing extra. A new subscription is
/// seen within <see cref="Ttl"/>; when the directory cannot answer, the last answer stands (<see cref="LookupCache{T}"/>).
/// </summary>
public sealed class LifecycleSubscribers(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly LookupCache<bool> _cache = new(time, Ttl);

    public ValueTask<bool> WantedAsync(string orgId, string workspaceId) =>
        _cache.GetAsync(IWebhookDirectoryGrain.KeyFor(orgId, workspaceId), key => grains.GetGrain<IWebhookDirectoryGrain>(key).HasLifecycleSubscriptionsAsync());
}
