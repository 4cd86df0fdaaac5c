using System.Collections.Concurrent;

namespace Axme.Grains.Intents;

/// <summary>
/// Intent ids known not to be stored yet, so their activation skips the storage read (one PostgreSQL round trip less
/// on a workflow's critical path). Only the creator of an id it just made up may say so: a workflow parent for the
/// step intent of a step it entered in the write it just committed (the id names parent, step and attempt, and nothing
/// else creates it). A hint is used once and only for a few seconds, and only on this silo; should it ever be wrong,
/// the new intent's first write finds the row and fails its compare-and-set, so nothing stored is overwritten.
/// </summary>
public sealed class NewIntents(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _ids = new();

    public void Add(Guid intentId)
    {
        var now = time.GetUtcNow();
        // Hints not taken (the grain was activated on another silo) go when the next one comes.
        if (_ids.Count > 1024)
            foreach (var (id, at) in _ids)
                if (now - at > Lifetime) _ids.TryRemove(id, out _);
        _ids[intentId] = now;
    }

    /// <summary>True once for an id added in the last few seconds: its activation need not read.</summary>
    public bool Take(Guid intentId) => _ids.TryRemove(intentId, out var at) && time.GetUtcNow() - at <= Lifetime;
}
