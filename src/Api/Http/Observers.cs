namespace Axme.Api.Http;

/// <summary>The end of a grain-observer subscription (SSE streams, MCP waits), written once.</summary>
public static class Observers
{
    /// <summary>How long a released observer's reference outlives its subscription.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Tells the grain, then drops the reference only after <see cref="Linger"/>: a one-way event the grain sent just
    /// before the unsubscribe can arrive after its answer, and a deleted reference would make Orleans log it as an
    /// error — a client that opens and drops streams could fill the log. Until then the observer takes such events
    /// and drops them (its owner closed it). Cleanup never throws: a grain that is gone or slow forgets it by itself.
    /// </summary>
    public static async Task ReleaseAsync(Func<Task> unsubscribe, Action deleteReference)
    {
        try
        {
            await unsubscribe().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // the ObserverManager's expiry removes it
        }
        _ = Task.Delay(Linger).ContinueWith(_ => deleteReference(), TaskScheduler.Default);
    }
}
