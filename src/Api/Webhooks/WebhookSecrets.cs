using System.Security.Cryptography;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Delivery;
using Microsoft.AspNetCore.DataProtection;

namespace Axme.Api.Webhooks;

/// <summary>
/// Webhook signing secrets as the API takes them in: validated, encrypted with Data Protection (the
/// delivery grains decrypt with the same purpose), reduced to a hint for display. Never logged.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection, OutboundAddresses outbound)
{
    public const int MinLength = 16;
    public const int MaxLength = 128;

    private readonly IDataProtector _protector = protection.CreateProtector(AxmeNames.WebhookSecretPurpose);

    /// <summary>The encrypted secret and its hint.</summary>
    public (string Protected, string Hint) Protect(string secret) => (_protector.Protect(secret), "****" + secret[^4..]);

    /// <summary>A fresh random secret (256 bits, URL-safe), for when the caller did not choose one.</summary>
    public static string Generate() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret field of a body, length-checked; null when absent.</summary>
    public static string? Read(RequestBody body, string field)
    {
        var secret = body.String(field, MaxLength);
        if (secret is not null && secret.Length < MinLength)
            throw ProtocolException.Invalid(field, $"{field} must be {MinLength}–{MaxLength} characters");
        return secret;
    }

    /// <summary>
    /// An absolute http(s) URL of at most 2048 characters whose host is not a refused literal address (ADR 017: a host
    /// name is checked at every send); null when absent.
    /// </summary>
    public string? Url(RequestBody body, string field, bool required = false)
    {
        var url = body.String(field, 2048, required: required);
        if (url is null) return null;
        if (url.Length < 8 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw ProtocolException.Invalid(field, $"{field} must be an absolute http or https URL", "invalid_callback_url");
        if (outbound.Refusal(uri) is { } refusal)
            throw ProtocolException.Invalid(field, $"{field}: {refusal}", "invalid_callback_url");
        return url;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
