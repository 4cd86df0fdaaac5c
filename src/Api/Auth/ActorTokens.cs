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

    /// <summary>A token for <paramref name="user"/>, minted by <paramref name="issuerId"/> (the user itself, or an admin answering for them).</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(ServiceAccountRecord user, string issuerId)
    {
        var expires = time.GetUtcNow() + options.Value.ActorTokenLifetime;
        return (Prefix + _protector.Protect($"{user.ServiceAccountId}\n{issuerId}", expires), expires);
    }

    /// <summary>The user a token names and who minted it (null for tokens minted before that was kept), or null when it is forged, altered or expired.</summary>
    public (string UserId, string? IssuerId)? Read(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try
        {
            if (_protector.Unprotect(token[Prefix.Length..], out var expiration) is not { Length: > 0 } payload || expiration <= time.GetUtcNow()) return null;
            return payload.Split('\n') is [var user, var issuer] ? (user, issuer) : (payload, null);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The key id of a caller authenticated by an actor token (it has no key).</summary>
    public const string CallerKeyId = "actor_token";

    /// <summary>The caller a live human user is, acting by token (no key); a token someone else minted names them too.</summary>
    public static Caller CallerFor(ServiceAccountRecord user, string? issuerId = null) => new()
    {
        ServiceAccountId = user.ServiceAccountId, KeyId = CallerKeyId, OrgId = user.OrgId, WorkspaceId = user.WorkspaceId,
        AgentAddress = user.AgentAddress, IsHuman = true,
        ActorTokenIssuer = issuerId is not null && issuerId != user.ServiceAccountId ? issuerId : null,
    };
}
