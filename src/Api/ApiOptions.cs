namespace Axme.Api;

/// <summary>HTTP front-end settings (section "Axme:Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "Axme:Api";

    /// <summary>Largest accepted request body in bytes (PROTOCOL §2.7: 128 KiB); larger answers 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 131072;

    /// <summary>Requests per key per endpoint per window (PROTOCOL §2.7 default: 120 a minute); 0 disables the limit.</summary>
    public int RateLimitPermits { get; set; } = 120;

    /// <summary>Rate-limit window.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Web inbox sign-ins (and answers to one magic link) per client IP per window; 0 disables the limit.
    /// Behind a proxy every client has the proxy's IP unless forwarded headers are applied.
    /// </summary>
    public int SignInPermits { get; set; } = 10;

    /// <summary>Window of <see cref="SignInPermits"/>.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Interval of SSE keepalive comments.</summary>
    public TimeSpan SseKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The node's public base URL (e.g. https://axme.example.com/), used in magic links minted without a
    /// request (e-mail); unset, the request's own scheme and host or the first listening address is used.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long an actor token (POST /v1/users/{id}/tokens) works.</summary>
    public TimeSpan ActorTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a web inbox sign-in lasts.</summary>
    public TimeSpan InboxSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Service id of the cluster (the view tables are partitioned by it).</summary>
    public string ServiceId { get; set; } = "axme";
}
