using System.Collections.Concurrent;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// What a single-activation grain answers to every request (an API key's caller, an agent's record), kept per silo so
/// the request costs no grain call (ADR 034). A change is still seen at once: the lookup passes this silo's observer
/// reference, the grain remembers it as a holder and tells it to forget the answer (<see cref="ForgetAsync"/>) before
/// the change returns, and when its activation ends (a new one would not know its holders). An answer is kept at most
/// <see cref="Lifetime"/>, the bound when that cannot happen (the grain lost with its silo, this silo cut off from it),
/// and never past the expiry the grain gives. A null answer (unknown, revoked, expired) is not kept.
/// </summary>
/// <typeparam name="TAnswer">What the grain answers (immutable: one instance serves every request that reads it).</typeparam>
/// <typeparam name="THolder">The observer interface the grain tells; the derived cache implements it.</typeparam>
public abstract class KeptAnswers<TAnswer, THolder>(IGrainFactory grains, TimeProvider time)
    where TAnswer : class
    where THolder : class, IGrainObserver
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    protected IGrainFactory Grains { get; } = grains;

    /// <summary>Past this many answers, a new one first sweeps out the expired (keys used once stay no longer than that).</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, (TAnswer Answer, DateTimeOffset Until)> _answers = new();
    private readonly Lock _gate = new();
    private THolder? _reference;

    /// <summary>Counts the forgets (under <see cref="_gate"/>): an answer fetched while one arrived may predate it, so it is not kept.</summary>
    private long _forgets;

    /// <summary>Asks the grain of <paramref name="key"/> for its answer (and until when it holds), remembering <paramref name="holder"/>.</summary>
    protected abstract Task<(TAnswer? Answer, DateTimeOffset? ExpiresAt)> HoldAsync(string key, THolder holder);

    /// <summary>The grain's answer for <paramref name="key"/>: the kept one while it lasts, else the grain's.</summary>
    protected async ValueTask<TAnswer?> GetAsync(string key)
    {
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var kept) && kept.Until > now) return kept.Answer;
        long forgets;
        lock (_gate) forgets = _forgets;
        var (answer, expiresAt) = await HoldAsync(key, Reference());
        if (answer is null) return null;
        if (_answers.Count >= SweepAbove) Sweep(now);
        var until = now + Lifetime;
        // A forget that came while the answer travelled (it may have overtaken it) wins: the answer is used for this
        // request, which began before the change returned, and not kept for later ones.
        lock (_gate)
            if (_forgets == forgets) _answers[key] = (answer, expiresAt is { } expires && expires < until ? expires : until);
        return answer;
    }

    /// <summary>Drops what this silo keeps of <paramref name="key"/>; its next request asks the grain.</summary>
    public Task ForgetAsync(string key)
    {
        lock (_gate)
        {
            _forgets++;
            _answers.TryRemove(key, out _);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The holder a grain tells: this cache itself, by a plain call, when the reference is its own, which also works
    /// while the silo stops (its own observers are gone by the time its grains deactivate); any other as given.
    /// </summary>
    public THolder Direct(THolder holder) => _reference is { } mine && mine.Equals(holder) ? (THolder)(object)this : holder;

    /// <summary>This silo's holder reference, made once (an observer reference lives as long as this singleton).</summary>
    private THolder Reference() =>
        LazyInitializer.EnsureInitialized(ref _reference, () => Grains.CreateObjectReference<THolder>((IGrainObserver)this));

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, answer) in _answers)
            if (answer.Until <= now) _answers.TryRemove(key, out _);
    }
}
