using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// API keys' answers kept per silo, so an authenticated request costs no grain call most of the time (four calls per
/// approval round trip before, a fifth of its grain messages). Revocation stays immediate: the key's grain tells this
/// silo to forget the answer before a revoke, a rebinding or an agent kill returns (<see cref="KeptAnswers{TAnswer, THolder}"/>).
/// </summary>
public sealed class ApiKeyCache(IGrainFactory grains, TimeProvider time) : KeptAnswers<Caller, IApiKeyHolder>(grains, time), IApiKeyHolder
{
    /// <summary>The caller a key (by its token hash) stands for, or null when it is unknown, revoked or expired.</summary>
    public ValueTask<Caller?> AuthenticateAsync(string tokenHash) => GetAsync(tokenHash);

    protected override async Task<(Caller? Answer, DateTimeOffset? ExpiresAt)> HoldAsync(string key, IApiKeyHolder holder)
    {
        var grant = await Grains.GetGrain<IApiKeyGrain>(key).HoldAsync(holder);
        return (grant.Caller, grant.ExpiresAt);
    }
}
