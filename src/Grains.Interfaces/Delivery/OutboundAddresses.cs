using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// Where the node's outbound HTTP (agent webhooks, subscriptions, notification webhooks) may connect (docs/adr/017).
/// Public unicast addresses only, unless an operator allows more: loopback, private, shared (CGNAT), link-local
/// (cloud metadata at 169.254.169.254), unique-local, multicast, documentation, benchmarking and reserved ranges are
/// refused, in any notation (System.Uri reads 127.1, 2130706433 and 0x7f000001 as 127.0.0.1; IPv4-mapped, NAT64 and
/// 6to4 IPv6 addresses are judged by the IPv4 address inside). A URL whose host is such a literal is refused when it is
/// registered; a host name is checked on every connection, against each address it resolves to, and the connection
/// is made to a checked address (<see cref="ConnectAsync"/>), so a name that resolves elsewhere later gains nothing.
/// </summary>
public sealed class OutboundAddresses
{
    private static readonly IPNetwork[] NotPublic =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
            "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/96", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:2::/48", "2001:db8::/32", "2001:10::/28", "2001:20::/28",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowed;

    /// <param name="allowed">Networks (CIDR) or single addresses the operator allows besides public ones, e.g. 127.0.0.1 for development.</param>
    public OutboundAddresses(IEnumerable<string> allowed)
    {
        _allowed = allowed.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Select(a =>
            IPNetwork.TryParse(a, out var network) ? network
            : IPAddress.TryParse(a, out var address) ? new IPNetwork(Unwrap(address), Unwrap(address).AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : throw new ArgumentException($"not a network or an address: {a}", nameof(allowed))).ToArray();
    }

    /// <summary>Whether a connection to this address is allowed.</summary>
    public bool Permits(IPAddress address)
    {
        var a = Unwrap(address);
        return IsPublic(a) || _allowed.Any(n => n.Contains(a));
    }

    /// <summary>A public unicast address (after unwrapping IPv4-mapped, NAT64 and 6to4 forms).</summary>
    public static bool IsPublic(IPAddress address)
    {
        var a = Unwrap(address);
        return !NotPublic.Any(n => n.Contains(a));
    }

    /// <summary>Why a URL may not be registered (its host is a literal address, or localhost, that is not permitted); null when it may.</summary>
    public string? Refusal(Uri url)
    {
        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.IdnHost, out var literal))
            return Permits(literal) ? null : $"{url.Host} is not a public address (loopback, private, link-local and reserved ranges are refused)";
        var host = url.IdnHost.TrimEnd('.');
        if ((host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            && !Permits(IPAddress.Loopback))
            return $"{url.Host} is the node itself (loopback addresses are refused)";
        return null;
    }

    /// <summary>
    /// SocketsHttpHandler.ConnectCallback: resolves the host, keeps the permitted addresses and connects to one of them.
    /// None permitted: <see cref="OutboundAddressRefusedException"/> (the handler wraps it in an HttpRequestException).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var permitted = addresses.Where(Permits).ToArray();
        if (permitted.Length == 0) throw new OutboundAddressRefusedException(host);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The handler every outbound delivery uses: connections through <see cref="ConnectAsync"/>, no redirects.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        // A redirect would re-send the signed body to an address nobody registered (and past the address check).
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectAsync,
    };

    private static IPAddress Unwrap(IPAddress a)
    {
        if (a.IsIPv4MappedToIPv6) return a.MapToIPv4();
        if (a.AddressFamily != AddressFamily.InterNetworkV6) return a;
        var bytes = a.GetAddressBytes();
        if (Nat64.Contains(a)) return new IPAddress(bytes[12..16]);
        if (SixToFour.Contains(a)) return new IPAddress(bytes[2..6]);
        return a;
    }
}

/// <summary>An outbound connection to an address that is not permitted (<see cref="OutboundAddresses"/>).</summary>
public sealed class OutboundAddressRefusedException(string host)
    : Exception($"{host}: no public address to connect to");
