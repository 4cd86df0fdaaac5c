using System.Collections.Concurrent;

namespace Axme.Silo.Storage;

/// <summary>
/// Runs queued operations in batches: whatever arrived while the previous batch was running goes in the next one,
/// so concurrent callers share one PostgreSQL round trip and one commit. With one caller a batch of one starts at
/// once (no timer, no added latency). Up to <c>lanes</c> batches run at the same time: while one waits for its
/// commit, the next is already being sent. A caller's task completes only when its batch has.
/// </summary>
/// <remarks>
/// A caller that finds a lane idle runs the lane itself, on its own thread up to the batch's first wait for the
/// database (sending it); the lane then goes on where that wait ends, taking what queued meanwhile. A dedicated lane
/// task woken through a queue cost one more thread hand-off per batch, which at low concurrency is most of a write's
/// overhead beyond PostgreSQL's own time (docs/benchmarks.md, 2026-12-07). The lane still runs as a task of the thread
/// pool's scheduler, not of the caller's (a grain's): its waits resume on the pool, never in a grain's turn.
/// </remarks>
public sealed class GroupCommit<TItem> : IAsyncDisposable where TItem : GroupCommit<TItem>.Pending
{
    /// <summary>One queued operation; the batch completes it.</summary>
    public abstract class Pending
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Done => _done.Task;
        public void Complete() => _done.TrySetResult();
        public void Fail(Exception e) => _done.TrySetException(e);
    }

    private readonly ConcurrentQueue<TItem> _queue = new();
    private readonly Func<IReadOnlyList<TItem>, Task> _run;
    private readonly int _maxBatch;
    private readonly int _lanes;
    private int _idle;
    private volatile bool _disposed;

    /// <param name="run">Executes one batch and completes or fails each item; an exception it throws fails every item not yet completed.</param>
    /// <param name="lanes">How many batches may run at the same time.</param>
    /// <param name="maxBatch">The most items one batch takes.</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, Task> run, int lanes, int maxBatch)
    {
        _run = run;
        _maxBatch = maxBatch;
        _lanes = _idle = Math.Max(1, lanes);
    }

    public Task EnqueueAsync(TItem item)
    {
        if (_disposed)
        {
            item.Fail(new ObjectDisposedException(nameof(GroupCommit<TItem>)));
            return item.Done;
        }
        _queue.Enqueue(item);
        if (TryTakeLane())
        {
            // Inline on this thread (the pool's scheduler always runs a task inline that was never queued).
            var lane = new Task(static self => _ = ((GroupCommit<TItem>)self!).LaneAsync(), this);
            lane.RunSynchronously(TaskScheduler.Default);
        }
        return item.Done;
    }

    private bool TryTakeLane()
    {
        for (var idle = Volatile.Read(ref _idle); idle > 0; idle = Volatile.Read(ref _idle))
        {
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle) return true;
        }
        return false;
    }

    /// <summary>Runs batches until the queue is empty, then gives the lane back.</summary>
    private async Task LaneAsync()
    {
        var batch = new List<TItem>(Math.Min(_maxBatch, 16));
        while (true)
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.TryDequeue(out var item)) batch.Add(item);
            if (batch.Count == 0)
            {
                Interlocked.Increment(ref _idle);
                // An item queued after the last look, whose caller found no idle lane, is taken here.
                if (_queue.IsEmpty || !TryTakeLane()) return;
                continue;
            }
            try
            {
                await _run(batch);
            }
            catch (Exception e)
            {
                foreach (var item in batch) item.Fail(e);
            }
        }
    }

    /// <summary>Refuses new items, waits for the batches running, fails what is still queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (Volatile.Read(ref _idle) < _lanes) await Task.Delay(5).ConfigureAwait(false);
        while (_queue.TryDequeue(out var item)) item.Fail(new ObjectDisposedException(nameof(GroupCommit<TItem>)));
    }
}
