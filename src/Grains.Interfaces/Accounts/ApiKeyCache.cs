using System.Collections.Concurrent;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// API keys' answers kept per silo, so an authenticated request costs no grain call most of the time (four calls per
/// approval round trip before, a fifth of its grain messages). Revocation stays immediate: the key's grain remembers
/// this silo as a holder and tells it to forget the answer (<see cref="ForgetAsync"/>) before a revoke, a rebinding or
/// an agent kill returns. An answer is kept at most <see cref="Lifetime"/>, the bound when that cannot happen (the
/// key's grain lost with its silo, this silo cut off from it), and never past the key's expiry. Unknown, revoked and
/// expired keys are not kept: each such request asks the grain, as before.
/// </summary>
public sealed class ApiKeyCache(IGrainFactory grains, TimeProvider time) : IApiKeyHolder
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>Past this many answers, a new one first sweeps out the expired (keys used once stay no longer than that).</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Until)> _answers = new();
    private readonly Lock _gate = new();
    private IApiKeyHolder? _reference;

    /// <summary>Counts the forgets (under <see cref="_gate"/>): an answer fetched while one arrived may predate it, so it is not kept.</summary>
    private long _forgets;

    /// <summary>The caller a key (by its token hash) stands for, or null when it is unknown, revoked or expired.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string tokenHash)
    {
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(tokenHash, out var kept) && kept.Until > now) return kept.Caller;
        long forgets;
        lock (_gate) forgets = _forgets;
        var grant = await grains.GetGrain<IApiKeyGrain>(tokenHash).HoldAsync(Reference());
        if (grant.Caller is not { } caller) return null;
        if (_answers.Count >= SweepAbove) Sweep(now);
        var until = now + Lifetime;
        // A forget that came while the grant travelled (it may have overtaken the answer) wins: the answer is used for
        // this request, which began before the change returned, and not kept for later ones.
        lock (_gate)
            if (_forgets == forgets) _answers[tokenHash] = (caller, grant.ExpiresAt is { } expires && expires < until ? expires : until);
        return caller;
    }

    public Task ForgetAsync(string tokenHash)
    {
        lock (_gate)
        {
            _forgets++;
            _answers.TryRemove(tokenHash, out _);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether the holder is this cache: the key's grain then tells it in-process, which also works while the silo
    /// stops (its own observers are gone by the time its grains deactivate).
    /// </summary>
    public bool Is(IApiKeyHolder holder) => _reference is { } mine && mine.Equals(holder);

    /// <summary>This silo's holder reference, made once (an observer reference lives as long as this singleton).</summary>
    private IApiKeyHolder Reference() =>
        LazyInitializer.EnsureInitialized(ref _reference, () => grains.CreateObjectReference<IApiKeyHolder>(this));

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, answer) in _answers)
            if (answer.Until <= now) _answers.TryRemove(key, out _);
    }
}
