using System.Security.Claims;
using System.Security.Cryptography;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.People;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Axme.Api.Sessions;

/// <summary>
/// A session's tokens (docs/adr/027). The access token is a JWT (HS256) the CLI can read the expiry of (PROTOCOL §3.4):
/// it names the session, and every request asks the session grain whether it is still live and which account it acts
/// as, so a revoke holds at once. The signing key is random per node cluster, stored in PostgreSQL encrypted with the
/// Data Protection key ring (whose keys are encrypted under the certificate kept outside the database). The refresh
/// token is opaque (axme_rt_&lt;session&gt;_&lt;secret&gt;) and only its SHA-256 is stored.
/// </summary>
public sealed class SessionTokens(IGrainFactory grains, IDataProtectionProvider protection, IOptions<ApiOptions> options, TimeProvider time)
{
    public const string Issuer = "axme-node";
    public const string Audience = "axme";
    public const string RefreshPrefix = "axme_rt_";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private SymmetricSecurityKey? _key;

    /// <summary>Whether a bearer credential has the shape of an access token (a JWT), not of an API or actor token.</summary>
    public static bool LooksLikeAccessToken(string bearer) => bearer.StartsWith("eyJ", StringComparison.Ordinal) && bearer.Count(c => c == '.') == 2;

    /// <summary>A new access token for the session, acting as <paramref name="account"/>.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> AccessTokenAsync(SessionRecord session, ServiceAccountRecord account)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.SessionAccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, IssuedAt = now.UtcDateTime, NotBefore = now.UtcDateTime, Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity([
                new Claim("sub", account.ServiceAccountId), new Claim("sid", session.SessionId), new Claim("email", session.Email),
                new Claim("org_id", account.OrgId), new Claim("workspace_id", account.WorkspaceId), new Claim("owner_agent", account.AgentAddress),
                new Claim("scope", "axme.api"), new Claim("jti", Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(await KeyAsync(), SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    /// <summary>The session an access token names; null with the reason (token_expired or invalid_actor_token) when it is not valid.</summary>
    public async Task<(string? SessionId, string? Refusal)> ReadAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer, ValidAudience = Audience, IssuerSigningKey = await KeyAsync(), ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30), LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e > time.GetUtcNow().UtcDateTime.AddSeconds(-30) && (notBefore is null || notBefore <= time.GetUtcNow().UtcDateTime.AddSeconds(30)),
        });
        if (result.IsValid && result.Claims.TryGetValue("sid", out var sid) && sid is string s) return (s, null);
        return (null, result.Exception is SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException ? "token_expired" : "invalid_actor_token");
    }

    /// <summary>
    /// The human user account a live session acts as now (its workspace selection), or null: revoked, expired, or the
    /// account gone. The one check of a session on every request (the API's bearer and the web inbox's cookie).
    /// </summary>
    public async Task<ServiceAccountRecord?> ActingAccountAsync(string sessionId)
    {
        if (await grains.GetGrain<ISessionGrain>(sessionId).GetAsync() is not { } s || !s.ActiveAt(time.GetUtcNow())) return null;
        return await grains.GetGrain<IServiceAccountGrain>(s.AccountId).GetAsync() is { Status: "active", IsHuman: true } user ? user : null;
    }

    /// <summary>A new refresh token for a session, and the hash that is stored.</summary>
    public static (string Token, string Hash) NewRefreshToken(string sessionId)
    {
        var token = $"{RefreshPrefix}{sessionId}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        return (token, TokenHash.Of(token));
    }

    /// <summary>The session a refresh token belongs to, or null when it is not one.</summary>
    public static string? SessionOfRefreshToken(string token)
    {
        if (!token.StartsWith(RefreshPrefix, StringComparison.Ordinal)) return null;
        var rest = token[RefreshPrefix.Length..];
        var cut = rest.LastIndexOf('_');
        return cut > 0 && rest[..cut].StartsWith("ses_", StringComparison.Ordinal) ? rest[..cut] : null;
    }

    private async Task<SymmetricSecurityKey> KeyAsync()
    {
        if (_key is { } known) return known;
        await _keyLock.WaitAsync();
        try
        {
            if (_key is null)
            {
                var protector = protection.CreateProtector("Axme.SessionSigning.v1");
                var stored = await grains.GetGrain<INodeSecretGrain>("session-signing")
                    .GetOrCreateAsync(protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
                _key = new SymmetricSecurityKey(Convert.FromBase64String(protector.Unprotect(stored)));
            }
            return _key;
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
