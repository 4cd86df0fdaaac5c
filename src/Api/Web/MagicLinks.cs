using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Axme.Api.Web;

/// <summary>What a magic-link token says once its signature checked out.</summary>
public sealed record MagicLinkClaim(Guid IntentId, string Assignee, string Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// Magic-link tokens: {intent, assignee, nonce, expiry} encrypted and authenticated with Data Protection
/// (key ring in PostgreSQL, so every node reads every node's links). The expiry is inside the payload rather
/// than a time-limited protector's, so an expired link can be told apart from a forged one. Single use is
/// the <see cref="IMagicLinkGrain"/>'s job, keyed by the nonce.
/// </summary>
public sealed class MagicLinks(IDataProtectionProvider protection, TimeProvider time, IOptions<ApiOptions> options, IServer server) : IMagicLinkIssuer
{
    public const string PathPrefix = "/inbox/m/";
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(30);

    private readonly IDataProtector _protector = protection.CreateProtector(AxmeNames.MagicLinkPurpose);

    public MagicLink Create(Guid intentId, string assignee, TimeSpan ttl, Uri? baseUrl = null)
    {
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl) throw new ArgumentOutOfRangeException(nameof(ttl), "a link lives from 1 second to 30 days");
        var expires = time.GetUtcNow() + ttl;
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = _protector.Protect(JsonSerializer.Serialize(new Payload(intentId, assignee, nonce, expires.ToUnixTimeSeconds())));
        var root = baseUrl ?? PublicUrl();
        return new MagicLink(new Uri(root, PathPrefix + token), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The claim of a token, or why it is refused: invalid (forged, altered, truncated) or expired.</summary>
    public (MagicLinkClaim? Claim, string? Refusal) Read(string token)
    {
        Payload? p;
        try
        {
            p = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(token));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return (null, "invalid");
        }
        if (p is null || p.Nonce.Length == 0) return (null, "invalid");
        var claim = new MagicLinkClaim(p.IntentId, p.Assignee, p.Nonce, DateTimeOffset.FromUnixTimeSeconds(p.ExpiresAt));
        return claim.ExpiresAt <= time.GetUtcNow() ? (claim, "expired") : (claim, null);
    }

    /// <summary>Axme:Api:PublicUrl, else the node's first listening address (fine on one machine, not behind a proxy).</summary>
    private Uri PublicUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl)) return new Uri(options.Value.PublicUrl);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("set Axme:Api:PublicUrl: the node has no listening address yet");
        return new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://127.0.0.1"));
    }

    private sealed record Payload(
        [property: JsonPropertyName("i")] Guid IntentId,
        [property: JsonPropertyName("a")] string Assignee,
        [property: JsonPropertyName("n")] string Nonce,
        [property: JsonPropertyName("e")] long ExpiresAt);
}
