using System.Threading.Channels;

namespace Axme.Silo.Storage;

/// <summary>
/// Runs queued operations in batches: whatever arrived while the previous batch was running goes in the next one,
/// so concurrent callers share one PostgreSQL round trip and one commit. With one caller a batch of one starts at
/// once (no timer, no added latency). Up to <c>lanes</c> batches run at the same time: while one waits for its
/// commit, the next is already being sent. A caller's task completes only when its batch has.
/// </summary>
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

    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Func<IReadOnlyList<TItem>, Task> _run;
    private readonly int _maxBatch;
    private readonly Task[] _lanes;

    /// <param name="run">Executes one batch and completes or fails each item; an exception it throws fails every item not yet completed.</param>
    /// <param name="lanes">How many batches may run at the same time.</param>
    /// <param name="maxBatch">The most items one batch takes.</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, Task> run, int lanes, int maxBatch)
    {
        _run = run;
        _maxBatch = maxBatch;
        _lanes = [.. Enumerable.Range(0, Math.Max(1, lanes)).Select(_ => Task.Run(LaneAsync))];
    }

    public Task EnqueueAsync(TItem item)
    {
        if (!_queue.Writer.TryWrite(item)) item.Fail(new ObjectDisposedException(nameof(GroupCommit<TItem>)));
        return item.Done;
    }

    private async Task LaneAsync()
    {
        var batch = new List<TItem>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_lanes);
    }
}
