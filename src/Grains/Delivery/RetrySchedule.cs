namespace Axme.Grains.Delivery;

/// <summary>Exponential backoff with jitter between webhook attempts (pure: the random draw is passed in).</summary>
public static class RetrySchedule
{
    /// <summary>
    /// Delay after the given failed attempt (1-based): base·2^(attempt−1), capped, then "equal jitter" —
    /// uniformly in [d/2, d] — so receivers that failed together are not retried together.
    /// </summary>
    public static TimeSpan Delay(int failedAttempt, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var exponent = Math.Min(failedAttempt - 1, 30);
        var ticks = Math.Min(maxDelay.Ticks, baseDelay.Ticks * (double)(1L << exponent));
        return TimeSpan.FromTicks((long)(ticks / 2 + ticks / 2 * Math.Clamp(random01, 0, 1)));
    }
}
