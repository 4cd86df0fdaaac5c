using System.Threading.RateLimiting;
using Axme.Api.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Axme.Api.Web;

/// <summary>
/// A fixed window per client IP and path on the inbox's unauthenticated POSTs (sign-in, a magic link's answer),
/// so API keys cannot be guessed at speed. It runs before the handler: a refused attempt checks no key and
/// touches no grain, and answers 429 with Retry-After and a page (the global limiter's JSON body is for /v1).
/// </summary>
public sealed class InboxRateLimit(IOptions<ApiOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "inbox-signin";

    public RateLimitPartition<string> GetPartition(HttpContext http)
    {
        var o = options.Value;
        if (o.SignInPermits == 0) return RateLimitPartition.GetNoLimiter("unlimited");
        return RateLimitPartition.GetFixedWindowLimiter($"{http.Connection.RemoteIpAddress} {http.Request.Path}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = o.SignInPermits, Window = o.SignInWindow, QueueLimit = 0 });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
    {
        var http = context.HttpContext;
        var seconds = RetryAfter.Seconds(context.Lease, options.Value.SignInWindow);
        http.Response.Headers.RetryAfter = seconds.ToString();
        await InboxPages.Message(http, null, "Too many attempts",
            $"There were too many attempts from your address. Try again in {seconds} seconds.", 429).ExecuteAsync(http);
    };
}
