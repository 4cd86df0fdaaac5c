using System.Collections.Concurrent;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// Intent ids believed not to be stored yet, so the activation a create causes skips the storage read (one PostgreSQL
/// round trip less on the path of every create). Said only by the code about to create the id, for the length of that
/// create (<see cref="CreateAsync"/>): an apply or a POST /v1/intents for an id it drew or derived from an
/// Idempotency-Key, a workflow parent for the step intent it just entered. A hint is used once, only on this silo, and
/// never trusted for more than a first create: an activation that skipped its read marks its state unread, reads after
/// all when its first call is not that create, and a create that fails on an unread state (the id was stored after
/// all: a replayed Idempotency-Key, whose insert finds the row) reads and answers as the stored intent says. So a wrong
/// hint costs a read, never an overwrite or a wrong answer.
/// </summary>
public sealed class NewIntents(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _ids = new();

    /// <summary>Creates the intent with the hint that <paramref name="intentId"/> is new; the hint goes when the create returns.</summary>
    public Task<CreateIntentResult> CreateAsync(IGrainFactory grains, Guid intentId, CreateIntentCommand command) =>
        CreateAsync(grains, intentId, intent => intent.CreateAsync(command));

    /// <summary>Makes the create call <paramref name="create"/> on the intent with the hint that its id is new.</summary>
    public async Task<T> CreateAsync<T>(IGrainFactory grains, Guid intentId, Func<IIntentGrain, Task<T>> create)
    {
        Add(intentId);
        try
        {
            return await create(grains.GetGrain<IIntentGrain>(intentId));
        }
        finally
        {
            Take(intentId); // a hint the create's activation did not take (already active, or on another silo) must not outlive it
        }
    }

    public void Add(Guid intentId)
    {
        var now = time.GetUtcNow();
        // Hints left behind (a create that never returned) go when the next one comes.
        if (_ids.Count > 1024)
            foreach (var (id, at) in _ids)
                if (now - at > Lifetime) _ids.TryRemove(id, out _);
        _ids[intentId] = now;
    }

    /// <summary>True once for an id added in the last few seconds: its activation need not read.</summary>
    public bool Take(Guid intentId) => _ids.TryRemove(intentId, out var at) && time.GetUtcNow() - at <= Lifetime;
}
