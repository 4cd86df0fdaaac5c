using System.Collections.Concurrent;

namespace Axme.Api.Http;

/// <summary>
/// Deletes the observer references of ended live subscriptions a while after they ended (<see cref="Linger"/>), all on
/// one timer: a one-way push a grain sent just before the unsubscribe can arrive after its answer, and a deleted
/// reference would make Orleans log it as an error. One queue and one timer, not a timer and its task per stream: a
/// node that ends a thousand streams a second would otherwise hold some 30,000 pending timers, each keeping its
/// closure alive long enough to reach the oldest generation of the heap.
/// </summary>
public sealed class ObserverLinger : IDisposable
{
    /// <summary>How long a reference outlives its subscription.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<(DateTimeOffset Due, IGrainObserver Observer)> _queue = new();
    private readonly Action<IGrainObserver> _delete;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public ObserverLinger(IGrainFactory grains, TimeProvider time) : this(o => grains.DeleteObjectReference<IGrainObserver>(o), time) { }

    /// <param name="delete">Deletes one reference (the grain factory's, but for tests).</param>
    /// <param name="time">The clock of <see cref="Linger"/> and of the sweep.</param>
    public ObserverLinger(Action<IGrainObserver> delete, TimeProvider time)
    {
        (_delete, _time) = (delete, time);
        _timer = time.CreateTimer(_ => DeleteDue(), null, Sweep, Sweep);
    }

    /// <summary>Deletes the reference once <see cref="Linger"/> has passed (at the first sweep after that).</summary>
    public void Release(IGrainObserver observer) => _queue.Enqueue((_time.GetUtcNow() + Linger, observer));

    /// <summary>References released, not deleted yet.</summary>
    public int Pending => _queue.Count;

    private void DeleteDue()
    {
        // In order of release, so the first one not due ends the sweep. One sweep at a time: the timer's callbacks
        // can overlap, and TryDequeue after the peek would take someone else's item then.
        if (!Monitor.TryEnter(_queue)) return;
        try
        {
            var now = _time.GetUtcNow();
            while (_queue.TryPeek(out var next) && next.Due <= now && _queue.TryDequeue(out next))
            {
                try
                {
                    _delete(next.Observer);
                }
                catch (Exception)
                {
                    // already gone: nothing to release
                }
            }
        }
        finally
        {
            Monitor.Exit(_queue);
        }
    }

    public void Dispose() => _timer.Dispose();
}
