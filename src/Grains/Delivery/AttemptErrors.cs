using Axme.Grains.Interfaces.Delivery;

namespace Axme.Grains.Delivery;

/// <summary>
/// What a failed attempt's record says (ADR 017 §2): words of our own, never the network's answer — "Connection
/// refused (10.0.0.5:22)" in a record any key can read would make the node a port scanner.
/// </summary>
public static class AttemptErrors
{
    public static string Describe(HttpRequestException e) =>
        e.InnerException is OutboundAddressRefusedException ? "refused: the host has no public address (ADR 017)"
        : e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host name did not resolve",
            HttpRequestError.ConnectionError => "could not connect",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => "the receiver's answer was not valid HTTP",
            _ => "the request failed",
        };
}
