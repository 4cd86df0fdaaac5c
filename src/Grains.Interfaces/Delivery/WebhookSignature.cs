using System.Security.Cryptography;
using System.Text;

namespace Axme.Grains.Interfaces.Delivery;

/// <summary>
/// The webhook signature scheme (docs/adr/007): <c>X-AXME-Signature</c> is the lowercase hex
/// HMAC-SHA256 of the raw request body with the shared secret (PROTOCOL §6.5). The body carries
/// <c>sent_at</c> (Unix seconds), also sent as <c>X-AXME-Timestamp</c>, so the signature covers the
/// timestamp and a receiver can refuse replays of old deliveries.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-AXME-Signature";
    public const string TimestampHeader = "X-AXME-Timestamp";
    public const string DeliveryIdHeader = "X-AXME-Delivery-Id";
    public const string AttemptHeader = "X-AXME-Delivery-Attempt";
    public const string EventTypeHeader = "X-AXME-Event-Type";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Constant-time check of a received signature against the body.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature) =>
        signature is { Length: 64 } && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
}
