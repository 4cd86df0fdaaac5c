using Orleans.Concurrency;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// One API key, keyed by the SHA-256 hex of its token, so the token is never stored. Being a single
/// activation cluster-wide, a revoke takes effect for every node at once.
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

    /// <summary>Revokes the key; later AuthenticateAsync calls return null.</summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}
