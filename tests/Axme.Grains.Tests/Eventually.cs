namespace Axme.Grains.Tests;

/// <summary>Waits for a condition by short polling, up to a timeout; the caller asserts on what it last saw.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTimeOffset.UtcNow >= until) return value;
            await Task.Delay(PollInterval);
        }
    }
}
