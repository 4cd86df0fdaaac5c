using Orleans.Concurrency;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// One API key, keyed by the SHA-256 hex of its token, so the token is never stored. Being a single
/// activation cluster-wide, a revoke takes effect for every node at once: the silos that keep its answer
/// (<see cref="ApiKeyCache"/>) are told to forget it before the revoke returns.
/// </summary>
[Alias("axme.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Binds this hash to a service account (idempotent).</summary>
    [Alias("Register")]
    Task RegisterAsync(ApiKeyBinding binding);

    /// <summary>Marks the binding's agent killed or not (it then authenticates only heartbeats).</summary>
    [Alias("SetAgentKilled")]
    Task SetAgentKilledAsync(bool killed);

    /// <summary>The caller this key stands for, or null when unknown, revoked or expired. Changes nothing: calls interleave, and one lost with its silo is retried.</summary>
    [Alias("Authenticate"), ReadOnly]
    Task<Caller?> AuthenticateAsync();

    /// <summary>
    /// The same answer for a silo that keeps it (<see cref="ApiKeyCache"/>), with the key's expiry; a valid key remembers
    /// the holder, to tell it to forget the answer when the key changes or this activation ends.
    /// </summary>
    [Alias("Hold"), ReadOnly]
    Task<ApiKeyGrant> HoldAsync(IApiKeyHolder holder);

    /// <summary>Revokes the key; later AuthenticateAsync calls return null.</summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}
