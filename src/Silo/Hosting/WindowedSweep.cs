namespace Axme.Silo.Hosting;

/// <summary>
/// A repair sweep over durable state: at start it covers everything (nothing of this node is in flight yet); then,
/// every <see cref="Interval"/>, the last <see cref="Window"/> (a node that died in a running cluster) except what
/// changed in the last <see cref="Settle"/> (most likely still on its way). What it repairs must be idempotent.
/// </summary>
public abstract class WindowedSweep(TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>How far back the periodic sweep looks: longer than any delivery's retries take.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>Repairs what changed between <paramref name="from"/> (null: any time) and <paramref name="until"/>; returns how many.</summary>
    protected abstract Task<int> SweepAsync(DateTimeOffset? from, DateTimeOffset until, CancellationToken ct);

    protected abstract void LogSwept(int count);

    protected abstract void LogSweepFailed(Exception e);

    /// <summary>Repairs each item on its own: one that fails (logged) does not keep the others waiting for the next tick.</summary>
    protected async Task EachAsync<T>(IEnumerable<T> items, Func<T, Task> repair)
    {
        foreach (var item in items)
        {
            try
            {
                await repair(item);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? from = null;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                var count = await SweepAsync(from, from is null ? now : now - Settle, stoppingToken);
                if (count > 0) LogSwept(count);
                from = now - Window;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (the database, the cluster, one grain), the next tick sweeps again; an exception
                // leaving a BackgroundService would stop the whole node.
                LogSweepFailed(e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
