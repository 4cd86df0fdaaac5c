using System.Collections.Concurrent;

namespace Axme.Silo.Storage;

/// <summary>
/// Runs queued operations in batches: whatever arrived while the previous batch was running goes in the next one,
/// so concurrent callers share one PostgreSQL round trip and one commit. With one caller a batch of one starts at
/// once (no timer, no added latency). Up to <c>lanes</c> batches run at the same time: while one waits for its
/// commit, the next is already being sent. A caller's task completes only when its batch has.
/// </summary>
/// <remarks>
/// At low concurrency (every lane idle, the last batch a single write) a caller runs a lane itself, on its own thread up
/// to the batch's first wait for the database (sending it); the lane then goes on where that wait ends, taking what
/// queued meanwhile. A lane task woken through a queue costs one more thread hand-off per batch, which at low
/// concurrency is most of a write's overhead beyond PostgreSQL's own time (docs/adr/038). Under load a lane still
/// starts a hand-off later, so it gathers what arrives meanwhile. A lane runs as a task of the thread pool's scheduler,
/// not of the caller's (a grain's): its waits resume on the pool, never in a grain's turn.
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
    private int _lastBatch;
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
        if (TryTakeLane(out var allIdle))
        {
            // PreferFairness: when started on the pool, behind the work already queued there (its global queue), not
            // first on this thread's own; under load the lane then gathers more (the batching a waiting lane had).
            var lane = new Task(static self => _ = ((GroupCommit<TItem>)self!).LaneAsync(), this, TaskCreationOptions.PreferFairness);
            // Quiet (nothing running, the last batch a single write): this thread sends (the pool's scheduler always runs
            // inline a task never queued). Otherwise the lane starts on the pool, a hand-off later, and takes whatever
            // queued by then: sending at once under load splits it into more, smaller batches (measured: 1.45 commits
            // per round trip instead of 1.1-1.25 at C=32, docs/adr/038).
            if (allIdle && Volatile.Read(ref _lastBatch) <= 1) lane.RunSynchronously(TaskScheduler.Default);
            else lane.Start(TaskScheduler.Default);
        }
        return item.Done;
    }

    private bool TryTakeLane(out bool allIdle)
    {
        for (var idle = Volatile.Read(ref _idle); idle > 0; idle = Volatile.Read(ref _idle))
        {
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) != idle) continue;
            allIdle = idle == _lanes;
            return true;
        }
        allIdle = false;
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
                if (_queue.IsEmpty || !TryTakeLane(out _)) return;
                continue;
            }
            Volatile.Write(ref _lastBatch, batch.Count);
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
