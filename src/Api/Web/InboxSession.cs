using System.Security.Cryptography;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Axme.Api.Web;

/// <summary>
/// The web inbox sign-in: the API key, encrypted and time-limited with Data Protection, in an HttpOnly,
/// SameSite=Strict cookie scoped to /inbox. Every request re-authenticates the key through its ApiKeyGrain,
/// so a revoked key ends its sessions at once.
/// </summary>
public sealed class InboxSession(IDataProtectionProvider protection, ApiKeyCache keys, IOptions<ApiOptions> options,
    Grains.Interfaces.Tenancy.TenantGate tenants, Sessions.SessionTokens sessions)
{
    public const string CookieName = "axme_inbox";

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector(AxmeNames.InboxSessionPurpose).ToTimeLimitedDataProtector();

    /// <summary>The caller of an API key, or null when it is unknown, revoked or expired.</summary>
    public async Task<Caller?> AuthenticateAsync(string apiKey) =>
        string.IsNullOrWhiteSpace(apiKey) ? null : await keys.AuthenticateAsync(TokenHash.Of(apiKey.Trim()));

    /// <summary>Marks a session that holds a key's hash (a dashboard link's), not the key: no key text starts with a control character.</summary>
    private const string HashMark = "\u0001hash:";

    /// <summary>Marks a person's sign-in session (docs/adr/027): the cookie holds the session id, checked on every request.</summary>
    private const string SessionMark = "\u0001session:";

    /// <summary>The signed-in caller of this request, or null.</summary>
    public async Task<Caller?> CallerAsync(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } cookie) return null;
        try
        {
            var held = _protector.Unprotect(cookie);
            if (held.StartsWith(SessionMark, StringComparison.Ordinal)) return await PersonAsync(held[SessionMark.Length..]);
            return held.StartsWith(HashMark, StringComparison.Ordinal)
                ? await keys.AuthenticateAsync(held[HashMark.Length..])
                : await AuthenticateAsync(held);
        }
        catch (CryptographicException)
        {
            return null; // expired or not ours
        }
    }

    /// <summary>The person a live session acts as, or null (revoked, expired, or the account or its workspace gone).</summary>
    private async Task<Caller?> PersonAsync(string sessionId)
    {
        if (await sessions.ActingAccountAsync(sessionId) is not { } user) return null;
        if (await tenants.RefusalAsync(user.OrgId, user.WorkspaceId) is not null) return null;
        return Auth.ActorTokens.CallerFor(user) with { SessionId = sessionId, KeyId = "session" };
    }

    /// <summary>The session id the request's cookie holds, if it holds a person's session.</summary>
    public string? SessionIdOf(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } cookie) return null;
        try
        {
            var held = _protector.Unprotect(cookie);
            return held.StartsWith(SessionMark, StringComparison.Ordinal) ? held[SessionMark.Length..] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Signs a person in by their session (password or e-mail sign-in).</summary>
    public void SignInSession(HttpContext http, string sessionId) =>
        http.Response.Cookies.Append(CookieName, _protector.Protect(SessionMark + sessionId, options.Value.InboxSessionLifetime), Cookie(http));

    public void SignIn(HttpContext http, string apiKey) =>
        http.Response.Cookies.Append(CookieName, _protector.Protect(apiKey.Trim(), options.Value.InboxSessionLifetime), Cookie(http));

    /// <summary>Signs in the key whose hash a dashboard link carried (the key itself never left the CLI).</summary>
    public void SignInByKeyHash(HttpContext http, string tokenHash) =>
        http.Response.Cookies.Append(CookieName, _protector.Protect(HashMark + tokenHash, options.Value.InboxSessionLifetime), Cookie(http));

    public static void SignOut(HttpContext http) => http.Response.Cookies.Delete(CookieName, Cookie(http));

    private static CookieOptions Cookie(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/inbox",
        IsEssential = true,
    };
}
