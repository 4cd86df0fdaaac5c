using System.Collections.Concurrent;
using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>
/// Per-silo cache of "does this workspace subscribe to intent lifecycle events?", so intents of
/// workspaces without such subscriptions (the common case) send nothing extra. A new subscription is
/// seen within <see cref="Ttl"/>.
/// </summary>
public sealed class LifecycleSubscribers(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (bool Wants, DateTimeOffset Until)> _cache = new();

    public async ValueTask<bool> WantedAsync(string orgId, string workspaceId)
    {
        var key = IWebhookDirectoryGrain.KeyFor(orgId, workspaceId);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && hit.Until > now) return hit.Wants;
        var wants = await grains.GetGrain<IWebhookDirectoryGrain>(key).HasLifecycleSubscriptionsAsync();
        _cache[key] = (wants, now + Ttl);
        return wants;
    }
}
