using System.Collections.Concurrent;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// Answers of a grain that is only consulted (is there a schema for this type, does this workspace have lifecycle
/// subscribers), kept per silo for a while. When an answer is due again but the grain cannot give it (its silo died,
/// the database is away), the last answer is served instead of failing the caller: a write must not fail cluster-wide
/// because a grain it merely asks is unreachable for a moment. A key never answered still fails.
/// </summary>
public sealed class LookupCache<T>(TimeProvider time, TimeSpan lifetime)
{
    private readonly ConcurrentDictionary<string, (T Value, DateTimeOffset Until)> _entries = new();

    public void Invalidate(string key) => _entries.TryRemove(key, out _);

    public async ValueTask<T> GetAsync(string key, Func<string, Task<T>> lookup)
    {
        var now = time.GetUtcNow();
        var known = _entries.TryGetValue(key, out var last);
        if (known && last.Until > now) return last.Value;
        try
        {
            var value = await lookup(key);
            _entries[key] = (value, now + lifetime);
            return value;
        }
        catch (Exception e) when (known && e is not OperationCanceledException)
        {
            return last.Value;
        }
    }
}
