using System.Net;

namespace Axme.Api;

/// <summary>HTTP front-end settings (section "Axme:Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "Axme:Api";

    /// <summary>Largest accepted request body in bytes (PROTOCOL §2.7: 128 KiB); larger answers 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 131072;

    /// <summary>
    /// Requests per key per endpoint per window; 0 disables the limit. The default (50,000 a second) stops a runaway
    /// client from starving others but never throttles real work on a node: the hosted platform's 120 a minute
    /// (PROTOCOL §2.7) is a tenant quota, and a self-hosted node's operator sets one where they want it (docs/adr/016).
    /// (5,000 until 2026-12-07, when one 2-core node took 4,500-5,800 scenario applies a second from one key.)
    /// </summary>
    public int RateLimitPermits { get; set; } = 50000;

    /// <summary>Rate-limit window.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Web inbox sign-ins (and answers to one magic link) per client IP per window; 0 disables the limit.
    /// Behind a proxy every client has the proxy's IP unless forwarded headers are applied.
    /// </summary>
    public int SignInPermits { get; set; } = 10;

    /// <summary>
    /// Failed authentications (missing or wrong key or token) per client address per window on /v1 and /mcp;
    /// past them 429 until the window ends, before any credential is checked. 0 disables the limit.
    /// </summary>
    public int AuthFailurePermits { get; set; } = 100;

    /// <summary>Held-open requests (SSE streams, MCP waits) one node serves at once; past it 503 too_many_streams.</summary>
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>Held-open requests one key holds on one node at once; past it 503 too_many_streams.</summary>
    public int MaxStreamsPerKey { get; set; } = 1_000;

    /// <summary>The Retry-After of a refused stream, in seconds.</summary>
    public int StreamRetryAfterSeconds { get; set; } = 5;

    /// <summary>Window of <see cref="AuthFailurePermits"/>.</summary>
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Window of <see cref="SignInPermits"/>.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (IP addresses or CIDR networks,
    /// comma-separated): behind a load balancer the sign-in limit then counts each client, not the balancer.
    /// Empty, the default: forwarded headers are ignored, since any client could send them.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary><see cref="TrustedProxies"/> parsed; null when an entry is neither an address nor a network.</summary>
    public IReadOnlyList<IPNetwork>? TrustedProxyNetworks()
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (TrustedProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else return null;
        }
        return networks;
    }

    /// <summary>Interval of SSE keepalive comments.</summary>
    public TimeSpan SseKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On SIGTERM the node answers /ready with 503 at once and goes on serving for this long, so a load balancer
    /// polling /ready stops sending it requests before it stops listening (<see cref="Hosting.NodeDrain"/>). Longer
    /// than the balancer's check interval times its failure threshold; 0 stops at once.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The node's public base URL (e.g. https://axme.example.com/), used in magic links minted without a
    /// request (e-mail); unset, the request's own scheme and host or the first listening address is used.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The largest media file (POST /v1/media/create-upload; PROTOCOL §12: 100 MiB, at most the gateway's 2 GiB).</summary>
    public long MediaMaxBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Content types a media upload may declare, comma-separated; "type/*" takes a whole type. Downloads are always
    /// served as attachments with nosniff, and only raster images, PDF and plain text are shown inline (preview).
    /// </summary>
    public string MediaContentTypes { get; set; } =
        "image/*,audio/*,video/*,text/plain,text/csv,text/markdown,application/pdf,application/json,application/zip,application/gzip,application/octet-stream,application/msword,application/vnd.*";

    /// <summary>How long an upload may stay unfinished when create-upload names no ttl_seconds.</summary>
    public TimeSpan MediaUploadTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an actor token (POST /v1/users/{id}/tokens) works.</summary>
    public TimeSpan ActorTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The domain of nicks' public addresses (@dana → dana@&lt;domain&gt;): 2-32 of a-z, 0-9, '-'.</summary>
    public string NickDomain { get; set; } = "axme";

    /// <summary>How long a session's access token (JWT) is good for; the refresh token renews it (docs/adr/027).</summary>
    public TimeSpan SessionAccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a session lives without a refresh (each refresh moves it on).</summary>
    public TimeSpan SessionRefreshLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a web inbox sign-in lasts.</summary>
    public TimeSpan InboxSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Service id of the cluster (the view tables are partitioned by it).</summary>
    public string ServiceId { get; set; } = "axme";

    /// <summary>The node serves the Orleans Dashboard at <see cref="Web.InboxHeaders.DashboardPath"/> (set by the host): admins see a link to it.</summary>
    public bool Dashboard { get; set; }
}
