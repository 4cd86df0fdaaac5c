using System.Threading.RateLimiting;

namespace Axme.Api.Http;

/// <summary>The Retry-After of a refused lease, shared by every limiter of the node.</summary>
public static class RetryAfter
{
    /// <summary>Whole seconds until the next window (≥ 1, an integer, which is how the SDKs parse it); the window itself when the limiter does not say.</summary>
    public static int Seconds(RateLimitLease lease, TimeSpan window)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
        return (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
    }
}
