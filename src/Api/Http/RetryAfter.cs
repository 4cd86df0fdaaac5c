using System.Threading.RateLimiting;

namespace Axme.Api.Http;

/// <summary>The Retry-After of a refused lease, shared by every limiter of the node, and their one kind of limiter.</summary>
public static class RetryAfter
{
    /// <summary>A fixed window per partition key, read from settings at each new partition; 0 permits means no limit.</summary>
    public static PartitionedRateLimiter<string> FixedWindows(Func<int> permits, Func<TimeSpan> window) =>
        PartitionedRateLimiter.Create<string, string>(key => permits() == 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits(), Window = window(), QueueLimit = 0,
            }));

    /// <summary>Whole seconds until the next window (≥ 1, an integer, which is how the SDKs parse it); the window itself when the limiter does not say.</summary>
    public static int Seconds(RateLimitLease lease, TimeSpan window)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
        return (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
    }
}
