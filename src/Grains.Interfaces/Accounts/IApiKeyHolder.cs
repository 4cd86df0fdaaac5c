using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// A silo that keeps API keys' answers (<see cref="ApiKeyCache"/>): an <see cref="IApiKeyGrain"/> tells it to forget
/// the key's answer when the key changes (revoked, rebound, its agent killed or resumed), before that change returns.
/// </summary>
[Alias("axme.IApiKeyHolder")]
public interface IApiKeyHolder : IGrainObserver
{
    /// <summary>Drops what this silo keeps of the key with this token hash; its next request asks the key's grain.</summary>
    [Alias("Forget")]
    Task ForgetAsync(string tokenHash);
}

/// <summary>A key's answer for a holder: the caller it stands for (null: unknown, revoked or expired) and until when the key is valid.</summary>
[GenerateSerializer, Immutable, Alias("axme.api-key-grant")]
public sealed record ApiKeyGrant(
    [property: Id(0)] Caller? Caller,
    [property: Id(1)] DateTimeOffset? ExpiresAt);
