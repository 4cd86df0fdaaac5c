namespace Axme.Testing;

/// <summary>Waits for an asynchronous outcome in a test (deliveries, retries, timers), failing with a message after a deadline.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds} s waiting for {what}; last: {value}");
            await Task.Delay(100);
        }
    }
}
