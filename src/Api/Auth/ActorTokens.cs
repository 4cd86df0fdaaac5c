using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Axme.Api.Auth;

/// <summary>
/// Actor tokens (PROTOCOL §3.1: "Authorization: Bearer", user context on top of the machine key): short-lived,
/// opaque, signed and encrypted with Data Protection, naming one human user. Sent with or without an
/// x-api-key, the request acts as that user (their tasks, their name on answers). Nothing is stored: a
/// token of a deleted user stops working because the user is checked on every request.
/// </summary>
public sealed class ActorTokens(IDataProtectionProvider protection, IOptions<ApiOptions> options, TimeProvider time)
{
    public const string Prefix = "axme_at_";
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Axme.ActorToken.v1").ToTimeLimitedDataProtector();

    public (string Token, DateTimeOffset ExpiresAt) Issue(ServiceAccountRecord user)
    {
        var expires = time.GetUtcNow() + options.Value.ActorTokenLifetime;
        return (Prefix + _protector.Protect(user.ServiceAccountId, expires), expires);
    }

    /// <summary>The user a token names, or null when it is forged, altered or expired.</summary>
    public string? UserIdOf(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try
        {
            return _protector.Unprotect(token[Prefix.Length..], out var expiration) is { Length: > 0 } id && expiration > time.GetUtcNow() ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The key id of a caller authenticated by an actor token (it has no key).</summary>
    public const string CallerKeyId = "actor_token";

    /// <summary>The caller a live human user is, acting by token (no key).</summary>
    public static Caller CallerFor(ServiceAccountRecord user) => new()
    {
        ServiceAccountId = user.ServiceAccountId, KeyId = CallerKeyId, OrgId = user.OrgId, WorkspaceId = user.WorkspaceId,
        AgentAddress = user.AgentAddress, IsHuman = true,
    };
}
