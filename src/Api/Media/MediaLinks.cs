using System.Security.Cryptography;
using Axme.Api.Auth;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Axme.Api.Media;

/// <summary>
/// The signed links of media (the gateway's upload_url, download_url, preview_url): a relay URL on this node whose
/// token names the action and the upload, encrypted and time-limited with Data Protection (the key ring every node
/// shares), so a browser or an SDK can PUT or GET the bytes without an API key and nobody can make one for another
/// upload. Without a token, the relay routes take an API key of the upload's workspace instead.
/// </summary>
public sealed class MediaLinks(IDataProtectionProvider protection, IOptions<ApiOptions> options, ApiKeyAuthFilter auth)
{
    public const string Upload = "upload", Download = "download", Preview = "preview";

    /// <summary>How long a download or preview link works.</summary>
    public static readonly TimeSpan ReadLifetime = TimeSpan.FromHours(1);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector(AxmeNames.MediaLinkPurpose).ToTimeLimitedDataProtector();

    /// <summary>A link for one action on one upload, valid until <paramref name="expires"/>.</summary>
    public string Url(HttpContext http, string action, Guid id, DateTimeOffset expires) =>
        $"{Http.PublicOrigin.Of(http, options.Value)}/v1/media/{action}/{id}?token={Uri.EscapeDataString(_protector.Protect($"{action}\n{id}", expires))}";

    /// <summary>
    /// Who a relay request acts as: anyone holding a valid token for this action and upload (as the runtime, the token
    /// being the permission), else the caller of the request's API key. A bad or expired token is a 403; neither is a 401.
    /// </summary>
    public async Task<Caller> CallerAsync(HttpContext http, string action, Guid id)
    {
        if (http.Request.Query["token"].ToString() is { Length: > 0 } token)
        {
            try
            {
                if (_protector.Unprotect(token) == $"{action}\n{id}") return Caller.System;
            }
            catch (CryptographicException)
            {
                // expired, altered or not ours: refused below
            }
            throw new ProtocolException(403, "media_link_invalid", $"this {action} link is invalid or has expired: ask GET /v1/media/{id} for a new one");
        }
        if (await auth.AuthenticateAsync(http) is { } refused) throw refused;
        return ApiKeyAuthFilter.CallerOf(http);
    }
}
