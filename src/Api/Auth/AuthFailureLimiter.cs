using System.Globalization;
using System.Threading.RateLimiting;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Options;

namespace Axme.Api.Auth;

/// <summary>
/// Failed authentications (no key, a wrong key, a bad actor token) per client address, in a fixed window
/// (Axme:Api:AuthFailurePermits per AuthFailureWindow; 0 turns it off). An address that spent its budget is refused
/// with 429 before its credential is looked at, so keys cannot be guessed at speed (20,000 guesses took 13 s without
/// it); a caller with a valid key spends nothing. Behind a trusted proxy the address is the forwarded client's.
/// </summary>
public sealed class AuthFailureLimiter(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        RetryAfter.FixedWindows(() => options.Value.AuthFailurePermits, () => options.Value.AuthFailureWindow);

    /// <summary>The 429 for an address whose budget is spent, else null (nothing spent).</summary>
    public ProtocolException? Refusal(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(Address(http), 0);
        return lease.IsAcquired ? null : TooMany(lease);
    }

    /// <summary>Spends one failure of the request's address.</summary>
    public void Failed(HttpContext http)
    {
        using var _ = _limiter.AttemptAcquire(Address(http));
    }

    private ProtocolException TooMany(RateLimitLease lease)
    {
        var seconds = RetryAfter.Seconds(lease, options.Value.AuthFailureWindow);
        return new ProtocolException(429, "rate_limit_exceeded", $"too many failed authentications from this address; retry after {seconds} s",
            new Dictionary<string, string> { ["retry_after"] = seconds.ToString(CultureInfo.InvariantCulture) });
    }

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public void Dispose() => _limiter.Dispose();
}
